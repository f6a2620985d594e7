"""Counted figures in a clause: what is counted (killed, arrested, ...) and low / best / high.

Values follow the labels.md table: a hedge applies only to the number it directly precedes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Span, Token
from text_to_num import text2num

from claimscope.extract import lexicon
from claimscope.extract.nlp import text_of
from claimscope.records import Figure, FigureType, TextSpan

_DIGITS = re.compile(r"^\d{1,3}(,\d{3})+$|^\d+(\.\d+)?$")
_SCALE = {"thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
_YEAR = re.compile(r"^(1[89]|20)\d\d$")
_NOT_COUNTS = {"DATE", "TIME", "PERCENT", "MONEY", "ORDINAL", "QUANTITY"}


@dataclass(frozen=True, slots=True)
class Count:
    start: int  # token indices into the Doc, end exclusive
    end: int
    low: int | None
    best: int | None
    high: int | None
    approx: bool
    qualifier: str | None
    anchor: int  # the token whose place in the parse tells what is counted


def find_figures(doc_span: Span, *, field: str = "text", offset: int = 0) -> tuple[Figure, ...]:
    """Figures whose count expression lies inside ``doc_span``."""
    figures: list[Figure] = []
    for count in _counts(doc_span):
        figure_type = _figure_type(doc_span.doc, count)
        if figure_type is None:
            continue
        start_char = doc_span.doc[count.start].idx
        end_char = doc_span.doc[count.end - 1].idx + len(doc_span.doc[count.end - 1])
        span = TextSpan(start_char + offset, end_char + offset,
                        text_of(doc_span.doc)[start_char:end_char], field)
        figures.append(Figure(figure_type, count.low, count.best, count.high, count.approx, span,
                              qualifier=count.qualifier))
    return tuple(_dedupe(figures))


def _dedupe(figures: list[Figure]) -> list[Figure]:
    seen: set[tuple] = set()
    kept = []
    for figure in figures:
        key = (figure.type, figure.span.start)
        if key not in seen:
            seen.add(key)
            kept.append(figure)
    return kept


def parse_number(words: list[str]) -> int | None:
    """'eight' -> 8, '1,500' -> 1500, '2.5 million' -> 2500000, 'twenty-five' -> 25."""
    if not words:
        return None
    scale = 1
    if len(words) > 1 and words[-1].lower() in _SCALE and _DIGITS.match(words[0]):
        scale = _SCALE[words[-1].lower()]
        words = words[:-1]
    text = " ".join(words)
    if _DIGITS.match(text.replace(" ", "")):
        return int(float(text.replace(",", "").replace(" ", "")) * scale)
    try:
        return int(text2num(text.lower().replace("-", " "), "en")) * scale
    except ValueError:
        return None


def _is_number_token(token: Token) -> bool:
    if token.ent_type_ in _NOT_COUNTS and not token.like_num:
        return False
    if token.ent_type_ in {"DATE", "TIME", "PERCENT", "MONEY", "ORDINAL"}:
        return False
    if token.like_num and _YEAR.match(token.text):
        return False
    if token.lower_ in {"one"} and token.dep_ not in {"nummod"}:
        return False  # "one of the ..." is rarely a count of people
    return token.like_num or token.lower_ in _SCALE


def _counts(doc_span: Span) -> list[Count]:
    doc = doc_span.doc
    counts: list[Count] = []
    i = doc_span.start
    while i < doc_span.end:
        token = doc[i]
        vague = _vague_at(doc, i, doc_span.end)
        if vague is not None:
            counts.append(vague)
            i = vague.end
            continue
        if _is_number_token(token):
            count = _number_at(doc, i, doc_span)
            if count is not None:
                counts.append(count)
                i = count.end
                continue
        valueless = _valueless_at(token)
        if valueless is not None:
            counts.append(valueless)
        i += 1
    return counts


_VAGUE = sorted(((phrase.split(), values) for phrase, values in lexicon.VAGUE_COUNTS.items()),
                key=lambda item: -len(item[0]))
_VAGUE_FIRST_WORDS = {words[0] for words, _ in _VAGUE}


def _vague_at(doc, i: int, limit: int) -> Count | None:
    if doc[i].lower_ not in _VAGUE_FIRST_WORDS:
        return None
    for words, (low, best, high) in _VAGUE:
        phrase = " ".join(words)
        if i + len(words) > limit:
            continue
        if [t.lower_ for t in doc[i : i + len(words)]] != words:
            continue
        end = i + len(words)
        if end < limit and doc[end].like_num:
            return None  # "several 100 ..." is unusual; let the number speak
        anchor = end - 1
        if end < limit and doc[end].lower_ == "of":
            end += 1
        # "several" alone counts a noun it modifies; bare "several" without a noun is ignored.
        return Count(i, end if doc[end - 1].lower_ != "of" else end - 1, low, best, high, True,
                     phrase, anchor)
    return None


def _valueless_at(token: Token) -> Count | None:
    word = token.lower_
    if word not in lexicon.VALUELESS_QUANTIFIERS:
        return None
    if word == "some" and token.dep_ not in {"det", "amod", "nsubj", "nsubjpass"}:
        return None
    if token.i + 1 < len(token.doc) and token.doc[token.i + 1].like_num:
        return None  # "some 300" is an approximate number, handled as such
    if word == "heavy" and token.head.lemma_ not in {"loss", "casualty"}:
        return None
    return Count(token.i, token.i + 1, None, None, None, False, word, token.i)


def _number_at(doc, i: int, doc_span: Span) -> Count | None:
    end = i
    while end < doc_span.end and (_is_number_token(doc[end]) or
                                  (doc[end].lower_ in {"and", "-"} and end + 1 < doc_span.end
                                   and doc[end + 1].lower_ in {"hundred", "thousand"})):
        end += 1
    value = parse_number([t.text for t in doc[i:end]])
    if value is None:
        return None
    low, best, high, approx = value, value, value, False
    before = " ".join(t.lower_ for t in doc[max(doc_span.start, i - 3) : i])
    start = i
    # A range "10,000 to 12,000" / "between 10 and 12" / "10-12".
    if end + 1 < doc_span.end and doc[end].lower_ in {"to", "and", "-", "–"} and _is_number_token(doc[end + 1]):
        range_end = end + 1
        while range_end < doc_span.end and _is_number_token(doc[range_end]):
            range_end += 1
        upper = parse_number([t.text for t in doc[end + 1 : range_end]])
        if upper is not None and upper > value and (doc[end].lower_ != "and" or before.endswith("between")):
            if before.endswith("between"):
                start = i - 1
            return Count(start, range_end, value, (value + upper) // 2, upper, False, None,
                         range_end - 1)
    # The longest hedge wins: "no more than" is an upper bound, though it ends in "more than".
    hedges = [(w, kind) for words, kind in ((lexicon.LOWER_BOUND_WORDS, "lower"),
                                           (lexicon.UPPER_BOUND_WORDS, "upper"),
                                           (lexicon.NEAR_WORDS, "near"), (lexicon.APPROX_WORDS, "approx"))
              for w in words if before.endswith(w)]
    for hedge, kind in sorted(hedges, key=lambda item: -len(item[0])):
        start = i - len(hedge.split())
        if kind == "lower":
            high = None
        elif kind == "upper":
            low = None
        elif kind == "near":
            low, approx = None, True
        else:
            approx = True
        break
    return Count(start, end, low, best, high, approx, None, end - 1)


def _figure_type(doc, count: Count) -> FigureType | None:
    anchor = doc[count.anchor]
    noun = _counted_noun(anchor)
    candidates = _trigger_candidates(noun)
    if noun.i != anchor.i:
        # "Three of the wounded died": what happened to the partitive's head comes first.
        candidates = _trigger_candidates(anchor)[1:] + candidates
    for candidate in candidates:
        figure_type = _trigger_type(candidate)
        if figure_type is FigureType.DESERTED and not _military(noun, candidate):
            continue  # civilians who flee are displaced, not deserters
        if figure_type is not None:
            return _combined(candidate, figure_type)
    # "300 killed": a participle right after the number.
    for token in doc[count.end : min(count.end + 3, len(doc))]:
        figure_type = _trigger_type(token)
        if figure_type is FigureType.DESERTED and not _military(noun, token):
            return None
        if figure_type is not None:
            return _combined(token, figure_type)
        if token.is_punct and token.text not in {"-"}:
            break
    return None


def _military(noun: Token, trigger: Token) -> bool:
    if trigger.lemma_.lower() in {"desert", "deserter", "abandon"}:
        return True
    if any(c.dep_ == "dobj" and c.lemma_.lower() in {"position", "post", "unit", "base", "trench"}
           for c in trigger.children):
        return True  # "fled their positions" is desertion whoever the men are
    return noun.lemma_.lower() in lexicon.MILITARY_NOUNS or noun.lower_ in lexicon.MILITARY_NOUNS


def _counted_noun(anchor: Token) -> Token:
    if anchor.dep_ in {"nummod", "det", "amod", "quantmod", "compound"} and anchor.head.pos_ in {"NOUN", "PROPN", "PRON", "NUM"}:
        return anchor.head
    for child in anchor.children:
        if child.dep_ == "prep" and child.lower_ == "of":
            objects = [c for c in child.children if c.dep_ == "pobj"]
            if objects:
                return objects[0]
    if anchor.head.lower_ == "of" and anchor.head.head.pos_ == "NOUN" and anchor.dep_ == "pobj":
        return anchor
    return anchor


def _trigger_candidates(noun: Token) -> list[Token]:
    """Tokens that may say what happened to the counted noun, the predicate first:
    in "soldiers stationed in Russia attempted to flee" the soldiers fled."""
    candidates = [noun]
    climbed = False
    while noun.dep_ == "conj" and noun.head is not noun:
        noun = noun.head  # "killed three journalists and several soldiers"
        candidates.append(noun)
        climbed = True
        while climbed and noun.dep_ == "pobj" and noun.head.dep_ == "prep" and noun.head.lower_ != "of":
            noun = noun.head.head  # "... journalists from state television and several soldiers"
            candidates.append(noun)
    head = noun.head
    if noun.dep_ == "pobj" and head.lower_ == "of":
        candidates.append(head.head)  # "a death toll of 12", "the deaths of 12"
        head = head.head
    if noun.dep_ in {"nsubj", "nsubjpass", "dobj", "attr", "pobj", "conj", "appos"} or head.lemma_ == "toll":
        candidates.append(head)
        candidates += [c for c in head.children if c.dep_ in {"xcomp", "acomp", "attr"}]
        if noun.dep_ in {"nsubj", "nsubjpass"}:
            # "Hundreds of men conscripted into the army have fled": a misparse makes 'fled'
            # a conjunct of the participle; the subject still did it.
            candidates += [c for c in head.children if c.dep_ == "conj" and c.pos_ == "VERB"]
            # "dozens of civilians were among the dead"
            candidates += [g for c in head.children if c.dep_ == "prep" and c.lower_ == "among"
                           for g in c.children if g.dep_ == "pobj"]
        if head.lemma_.lower() in {"involve", "include", "concern"}:
            # "300 of those cases involved soldiers who had fled their positions"
            for obj in head.children:
                if obj.dep_ in {"dobj", "attr"}:
                    candidates += [g for c in obj.children if c.dep_ in {"relcl", "acl"} for g in (c, *c.children) if g.dep_ in {"relcl", "acl", "conj"} or g is c]
        if noun.dep_ in {"dobj", "attr"} and noun.pos_ == "NUM":
            # "casualties had exceeded 700,000": the subject is what the number counts
            candidates += [c for c in head.children if c.dep_ in {"nsubj", "nsubjpass"}]
        if head.dep_ in {"xcomp", "conj"}:
            candidates.append(head.head)
    if noun.dep_ == "pobj" and head.dep_ == "prep" and head.lower_ in {"to", "at"}:
        # "the death toll rose to 27": the verb's subject says what is counted
        candidates += [c for c in head.head.children if c.dep_ in {"nsubj", "nsubjpass"}]
    candidates += [c for c in noun.children if c.dep_ in {"acl", "amod", "relcl", "compound"}]
    for child in noun.children:
        if child.dep_ == "relcl":
            candidates += [c for c in child.children if c.dep_ in {"xcomp", "acomp", "conj"}]
    return candidates


def _trigger_type(token: Token) -> FigureType | None:
    lemma = token.lemma_.lower()
    word = token.lower_
    if lemma == "toll" or (word == "dead" and token.pos_ in {"ADJ", "NOUN"}):
        return FigureType.KILLED
    if word in {"taken", "take"} and any(c.lower_ == "prisoner" for c in token.children):
        return FigureType.CAPTURED
    for figure_type, lemmas in lexicon.FIGURE_TRIGGERS.items():
        if lemma in lemmas or word in lemmas:
            if figure_type is FigureType.CASUALTIES and lemma == "loss" and token.pos_ != "NOUN":
                continue
            if figure_type is FigureType.DEPLOYED and token.pos_ != "VERB" and lemma != "deployment":
                continue
            return figure_type
    return None


def _combined(trigger: Token, figure_type: FigureType) -> FigureType:
    """'killed or wounded' together is one casualties figure, never killed alone."""
    if figure_type not in {FigureType.KILLED, FigureType.WOUNDED}:
        return figure_type
    neighbours = list(trigger.conjuncts)
    for other in neighbours:
        other_type = _trigger_type(other)
        joined = trigger.doc[min(trigger.i, other.i) : max(trigger.i, other.i) + 1]
        if other_type in {FigureType.KILLED, FigureType.WOUNDED} and other_type != figure_type:
            if any(t.lower_ == "or" for t in joined):
                return FigureType.CASUALTIES
    return figure_type
