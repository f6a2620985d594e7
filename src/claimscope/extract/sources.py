"""Who speaks: a source mention normalised to a name, a description and a source type.

Pronouns and bare surnames are resolved to the closest earlier named speaker of the article,
so "he said" carries the name (and the type) of the person introduced before.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from spacy.tokens import Doc, Span

from claimscope.extract import lexicon
from claimscope.extract.nlp import text_of
from claimscope.extract.attribution import mention_range
from claimscope.records import Source, SourceType, TextSpan

_DETERMINERS = {"the", "a", "an", "another", "this", "that", "these", "those"}
_PERSON_PRONOUNS = {"he", "she", "him", "her"}
_GROUP_PRONOUNS = {"they", "them", "it"}
# Definite descriptions that point back to the last organisation that spoke: "the group said".
_GENERIC_GROUP_NOUNS = {"group", "organisation", "organization", "movement", "militia", "agency", "service",
                        "site", "newspaper", "paper", "website",
                        "monitor", "force", "forces", "rebels", "company", "firm", "broadcaster",
                        "outlet", "channel", "ministry", "statement"}


@dataclass(slots=True)
class SpeakerMemory:
    """Named speakers seen so far in one article, latest last, so pronouns can point back."""

    speakers: list[tuple[Source, bool]] = field(default_factory=list)  # (source, is_person)

    def remember(self, source: Source, *, is_person: bool) -> None:
        self.speakers.append((source, is_person))

    def latest(self, pronoun: str) -> Source | None:
        """'he' / 'she': the last person; 'it': the last body; 'they': the last body or group
        of people (a plural name), else the last person."""
        for source, is_person in reversed(self.speakers):
            plural = source.name.lower().endswith("s")
            if pronoun in _PERSON_PRONOUNS and is_person:
                return source
            if pronoun == "it" and not is_person and not plural:
                return source
            if pronoun in _GROUP_PRONOUNS - {"it"} and (not is_person or plural):
                return source
        return None

    @property
    def groups(self) -> list[Source]:
        return [source for source, is_person in self.speakers if not is_person]

    def by_surname(self, word: str) -> Source | None:
        for person, is_person in reversed(self.speakers):
            parts = person.name.lower().split()
            # Family names come first in some languages: "Shin" of "Shin Dong-ho".
            if is_person and len(parts) > 1 and word.lower() in (parts[0], parts[-1]):
                return person
        return None


def make_source(doc: Doc, token_range: tuple[int, int], memory: SpeakerMemory, *,
                field_name: str = "text", offset: int = 0) -> Source:
    span = doc[token_range[0] : token_range[1]]
    core = doc[slice(*mention_range(doc, token_range))]
    mention = TextSpan(core.start_char + offset, core.end_char + offset, core.text, field_name)
    span = doc[core.start : span.end]  # the full phrase, for the name and the description
    lowered = span.text.lower()
    if lowered in _PERSON_PRONOUNS | _GROUP_PRONOUNS:
        antecedent = memory.latest(lowered)
        if antecedent is not None:
            return Source(antecedent.name, antecedent.type, mention, antecedent.description,
                          antecedent.span)
        # No earlier speaker to point to: keep the pronoun, typed as an unnamed person or body.
        return Source(span.text, classify(span.text, None, is_person=lowered in _PERSON_PRONOUNS), mention)
    antecedent = _generic_antecedent(span, memory) if _generic_reference(span) else None
    if antecedent is not None:
        return Source(antecedent.name, antecedent.type, mention, antecedent.description, antecedent.span)
    name, description, is_person = _name_and_description(span)
    if " " not in name and (is_person or span.root.pos_ == "PROPN"):
        earlier = memory.by_surname(name)
        if earlier is not None:
            return Source(earlier.name, earlier.type, mention, earlier.description, earlier.span)
    source_type = classify(_core_phrase(span), f"{span.text} {description or ''}", is_person=is_person)
    source = Source(name, source_type, mention, description)
    memory.remember(source, is_person=is_person)
    return source


_GENERIC_TYPES = {
    "agency": {SourceType.INTELLIGENCE, SourceType.GOVERNMENT, SourceType.EXPERT},
    "service": {SourceType.INTELLIGENCE, SourceType.GOVERNMENT},
    "group": set(SourceType), "organisation": set(SourceType), "organization": set(SourceType),
    "movement": set(SourceType),
}


def notice_actor(doc: Doc, unit: Span, memory: SpeakerMemory, *, field_name: str = "text",
                 offset: int = 0) -> None:
    """Remember the subject of a sentence that names an actor ("Ukraine's military intelligence
    agency went further."), so a pronoun in the next sentence can point to it."""
    root = unit.root
    subjects = [c for c in root.children if c.dep_ in {"nsubj", "nsubjpass"}]
    if not subjects or subjects[0].pos_ == "PRON":
        return
    subject = subjects[0]
    start, end = subject.left_edge.i, subject.right_edge.i + 1
    phrase = doc[start:end]
    actor = subject.ent_type_ in {"PERSON", "ORG", "NORP", "GPE"} or classify_keywords(phrase.text) is not None
    if actor and not any(source.span is not None and source.span.start == phrase.start_char + offset
                         for source, _ in memory.speakers):
        make_source(doc, (start, end), memory, field_name=field_name, offset=offset)


def _generic_antecedent(span: Span, memory: SpeakerMemory) -> Source | None:
    """'the group' is the last organisation that spoke, 'the agency' the last agency or
    intelligence service, 'the ministry' the last speaker whose name says ministry."""
    noun = span.root.lemma_.lower()
    for group in reversed(memory.groups):
        if group.type in _GENERIC_TYPES.get(noun, set()):
            return group
        if noun in f"{group.name} {group.description or ''}".lower():
            return group
    return None


def _generic_reference(span: Span) -> bool:
    """'the group', 'the organisation': two or three words, a definite article and a generic noun."""
    words = [t for t in span if not t.is_punct]
    return (1 < len(words) <= 3 and words[0].lower_ == "the"
            and words[-1].lemma_.lower() in _GENERIC_GROUP_NOUNS and not any(t.pos_ == "PROPN" for t in words))


def _name_and_description(span: Span) -> tuple[str, str | None, bool]:
    """'A Chinese mercenary fighting for Russia, Dian Yuzhang' -> name, description, person?"""
    people = [ent for ent in span.ents
              if ent.label_ == "PERSON" and ent.root.tag_ != "NNPS"
              and (ent.root.dep_ != "pobj" or ent.root.head.lower_ == "as")]  # "gave his name as X"
    people = people or _appositive_names(span) or _titled_name(span)  # "Qassam Brigades" is plural: a body
    organisations = [] if people else (_appositive_proper(span) or _org_name(span))
    names = people or organisations
    if names:
        name_span = _extend_name(max(names, key=len), span)
        name = _strip_titles(name_span.text)
        rest = (text_of(span.doc)[span.start_char : name_span.start_char] + " "
                + text_of(span.doc)[name_span.end_char : span.end_char])
        return name, _clean(rest) or None, bool(people)
    relative = next((t for t in span if t.dep_ in {"relcl", "acl"} and t.i > span.start), None)
    if relative is not None:
        head_part = span.doc[span.start : relative.left_edge.i]
        rest = span.doc[relative.left_edge.i : span.end].text
        return _clean(head_part.text), _clean(rest) or None, _person_noun(span.root)
    return _clean(span.text), None, _person_noun(span.root)


def _person_noun(root) -> bool:
    """'a former soldier', 'the spokesman': one person, so 'he' can point back to them."""
    return root.tag_ in {"NN", "NNP"} and root.lemma_.lower() in lexicon.PERSON_NOUNS


def _appositive_names(span: Span) -> list[Span]:
    """Runs of proper nouns set off by commas, which the NER sometimes mislabels."""
    runs: list[Span] = []
    start = None
    for token in span:
        if token.pos_ == "PROPN" and token.ent_type_ not in {"NORP", "ORG"}:
            start = token.i if start is None else start
            continue
        if start is not None and token.i - start >= 2:
            runs.append(span.doc[start : token.i])
        start = None
    if start is not None and span.end - start >= 2:
        runs.append(span.doc[start : span.end])
    return [run for run in runs if run.start > span.start and span.doc[run.start - 1].text == ","]


def _appositive_proper(span: Span) -> list[Span]:
    """'The group, Jama'at Nusrat al-Islam wal-Muslimin (JNIM)': the named appositive."""
    root = span.root
    for child in root.children:
        if child.dep_ == "appos" and child.pos_ == "PROPN":
            return [span.doc[child.left_edge.i : child.right_edge.i + 1]]
    return []


def _extend_name(name: Span, phrase: Span) -> Span:
    """NER often stops early in long names: "Jama'at Nusrat al-Islam wal-Muslimin (JNIM)"."""
    doc, end = name.doc, name.end
    while end < phrase.end:
        token = doc[end]
        if token.pos_ == "PROPN" or (token.text == "-" and end + 1 < phrase.end):
            end += 1
        elif token.text == "(" and end + 2 < len(doc) and doc[end + 2].text == ")" and doc[end + 1].is_upper:
            end += 3
        else:
            break
    return doc[name.start : end]


def _org_name(span: Span) -> list[Span]:
    """'the news site Zona Kontrolya': the proper name after an organisation noun."""
    end = span.end
    start = end
    while start > span.start and span.doc[start - 1].pos_ == "PROPN":
        start -= 1
    if start < end and start > span.start and span.doc[start - 1].lemma_.lower() in _ORG_NOUNS:
        return [span.doc[start:end]]
    return []


def _titled_name(span: Span) -> list[Span]:
    """'Houthi military spokesman Abdulmalik al-Harazi': proper nouns after a role noun."""
    end = span.end
    start = end
    while start > span.start and (span.doc[start - 1].pos_ == "PROPN" or span.doc[start - 1].text == "-"):
        start -= 1
    if end - start < 2 or start == span.start:
        return []
    before = span.doc[start - 1]
    if (before.pos_ == "NOUN" or before.lower_ in _TITLE_WORDS) and before.lemma_.lower() not in _ORG_NOUNS:
        return [span.doc[start:end]]
    return []


# Nouns that introduce an organisation's name, not a person's: "the news site Zona Kontrolya".
_ORG_NOUNS = {"site", "channel", "group", "agency", "newspaper", "broadcaster", "outlet", "monitor",
              "firm", "company", "station", "organisation", "organization", "network", "daily",
              "tank", "institute", "party", "militia", "movement", "unit", "brigade", "service"}


_TITLE_WORDS = {"gen", "gen.", "general", "colonel", "col.", "major", "captain", "sergeant", "lieutenant",
                "president", "minister", "commander", "spokesman", "spokeswoman", "spokesperson"}
_TITLES = re.compile(r"^(mr|mrs|ms|dr|gen|general|col|colonel|lt|maj|major|capt|captain|sgt|"
                     r"president|minister|prime minister|spokesman|spokeswoman|sen|rep)\.?\s+", re.I)


def _strip_titles(name: str) -> str:
    previous = None
    while previous != name:
        previous = name
        name = _TITLES.sub("", name)
    return name.strip(" ,")


def _clean(text: str) -> str:
    words = text.replace("\n", " ").strip(" ,.;:").split()
    while words and words[0].lower() in _DETERMINERS:
        words = words[1:]
    return " ".join(words).strip(" ,")


def _core_phrase(span: Span) -> str:
    """The head noun with its own modifiers and appositives, without clauses or prepositional
    phrases: 'Military analysts' are analysts; 'Relatives of the detained soldiers' are not
    soldiers; 'a volunteer group that helps soldiers leave the army' is not the army."""
    inside = {t.i for t in span}

    def clipped(token) -> bool:
        return any(a.dep_ in {"prep", "relcl", "acl"} for a in (token, *token.ancestors)
                   if a.i in inside and a.i != span.root.i)

    return " ".join(t.text for t in span if not clipped(t)).strip(" ,")


def classify(text: str, description: str | None, *, is_person: bool) -> SourceType:
    """The speaker's type from keywords: on the core phrase first, then on everything said
    about the speaker (the full phrase and its description)."""
    if description and classify_keywords(description) is SourceType.OFFICIAL_ANONYMOUS:
        return SourceType.OFFICIAL_ANONYMOUS  # "an officer, who spoke on condition of anonymity"
    found = classify_keywords(text)
    if found is None and description:
        found = classify_keywords(description)
    if found is not None:
        return found
    if re.search(r"\bspokes(man|woman|person)\b", f"{text} {description or ''}", re.I):
        return SourceType.GOVERNMENT  # a spokesperson with no institution named speaks for one
    return SourceType.POLITICIAN if is_person else SourceType.GOVERNMENT


def _keyword_pattern(words) -> re.Pattern[str]:
    alternatives = sorted({w.strip() for w in words}, key=len, reverse=True)
    return re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, alternatives)) + r")(?:s|es)?(?![\w-])")


_ANONYMOUS_PATTERN = _keyword_pattern(lexicon.ANONYMOUS_MARKERS)
_KEYWORD_PATTERN = _keyword_pattern(k for _, words in lexicon.SOURCE_TYPE_KEYWORDS for k in words)
_KEYWORD_TYPE: dict[str, tuple[int, SourceType]] = {}
for _rank, (_type, _words) in enumerate(lexicon.SOURCE_TYPE_KEYWORDS):
    for _word in _words:
        _KEYWORD_TYPE.setdefault(_word.strip(), (_rank, _type))


@lru_cache(maxsize=4096)
def classify_keywords(text: str) -> SourceType | None:
    """The source type a keyword of ``text`` names, or None.

    A keyword that contains the head noun (the last word) wins over modifiers, so "military
    analysts" are analysts and "defence ministry" beats "ministry"; otherwise the longest
    keyword wins, so "intelligence agency" is intelligence. Anonymity overrides everything:
    "a military source" is unnamed before it is military.
    """
    haystack = " " + re.sub(r"[^\w\s'-]", " ", text.lower()) + " "
    if _ANONYMOUS_PATTERN.search(haystack):
        return SourceType.OFFICIAL_ANONYMOUS
    head_end = len(haystack.rstrip())
    best: tuple[bool, int, int, SourceType] | None = None
    for match in _KEYWORD_PATTERN.finditer(haystack):
        rank, source_type = _KEYWORD_TYPE[match.group(1)]
        candidate = (match.end() == head_end, len(match.group(1)), -rank, source_type)
        best = candidate if best is None or candidate[:3] > best[:3] else best
    return best[3] if best is not None else None
