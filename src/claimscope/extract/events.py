"""Events from claims: trigger, type, participants, place, time and figures, as written.

Each event claim is read for trigger words from the ontology (``extract/ontology.py``). A trigger
becomes an event mention with its arguments taken from the parse: who acted, who was acted on,
where, when, and the claim's figures that belong to it. Names stay as written here; ``resolve/``
normalises actors, geocodes places and merges mentions of one event within an article.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from spacy.tokens import Doc, Span, Token

from claimscope.extract.figures import parse_number
from claimscope.extract.arguments import (
    actor_for, is_placelike, may_be_place, place_candidates, subject_and_object,
)
from claimscope.extract.ontology import EventKind, Ontology, load_ontology
from claimscope.records import (
    Article, Claim, ClaimKind, Event, EventTime, Figure, FigureType, Origin, TextSpan, TimeExpr,
    TimePrecision,
)

_HYPOTHETICAL_AUX = {"could", "may", "might", "would", "should"}
_NOT_HAPPENED = {"threaten", "vow", "warn", "intend", "want", "pledge", "promise", "fear", "deny",
                 "prevent", "avoid", "urge", "call", "demand", "plan", "seek", "hope"}
# "agreed to halt the fighting": the fighting named here is what stops, not a new event.
_STOPPING = {"halt", "end", "stop", "cease", "suspend", "prevent", "avoid", "ban", "condemn"}
_NEGATING_DETS = {"no", "none", "neither", "nobody", "nothing"}
_NEEDS_WINDOW = 6


class Mention:
    """A trigger found in a sentence, before its arguments are read."""

    __slots__ = ("kind", "start", "end")

    def __init__(self, kind: EventKind, start: int, end: int):
        self.kind, self.start, self.end = kind, start, end

    def head(self, doc: Doc) -> Token:
        return doc[self.start : self.end].root


def events_from_doc(doc: Doc, claims: Iterable[Claim], article: Article, *,
                    ontology: Ontology | None = None) -> list[Event]:
    """Event mentions in the event claims of ``doc`` (claims' spans index into this doc)."""
    ontology = ontology or load_ontology()
    events: list[Event] = []
    for claim in claims:
        if claim.kind is not ClaimKind.EVENT or (claim.origin is not Origin.BODY and claim.restates):
            continue
        span = doc.char_span(claim.content.start, claim.content.end, alignment_mode="expand")
        if span is None:
            continue
        for sentence in _sentences_in(span):
            events.extend(_sentence_events(doc, sentence, claim, article, ontology))
    return events


def _sentences_in(span: Span) -> Iterator[Span]:
    for sentence in span.sents:
        start, end = max(sentence.start, span.start), min(sentence.end, span.end)
        if end > start:
            yield span.doc[start:end]


def _sentence_events(doc: Doc, sentence: Span, claim: Claim, article: Article,
                     ontology: Ontology) -> list[Event]:
    mentions = _fold(doc, [m for m in find_triggers(sentence, ontology) if _happened(doc[m.start])])
    figures = _assign_figures(doc, mentions, claim.figures, sentence)
    return [_event(doc, sentence, mention, claim, article, figures[index])
            for index, mention in enumerate(mentions)]


# --- triggers -------------------------------------------------------------------------------


def find_triggers(sentence: Span, ontology: Ontology) -> list[Mention]:
    """Every ontology trigger in ``sentence`` whose needs are met, longest match per token."""
    found = [Mention(kind, start, end) for kind, start, end in _matches(sentence, ontology)
             if _needs_met(sentence, start, end, kind)]
    return _without_overlaps(found, sentence.doc)


def _matches(sentence: Span, ontology: Ontology) -> Iterator[tuple[EventKind, int, int]]:
    doc = sentence.doc
    for token in sentence:
        lemma, lower = token.lemma_.lower(), token.lower_
        if token.pos_ in {"VERB", "AUX"}:
            for kind in ontology.by_verb.get(lemma, ()):
                yield kind, token.i, token.i + 1
        elif token.pos_ in {"NOUN", "PROPN", "ADJ"} and not _modifies_other_thing(token, ontology.nouns):
            for kind in dict.fromkeys(ontology.by_noun.get(lemma, ()) + ontology.by_noun.get(lower, ())):
                yield kind, token.i, token.i + 1
        for kind, phrase in dict.fromkeys(ontology.by_first_word.get(lemma, ())
                                          + ontology.by_first_word.get(lower, ())):
            end = token.i + len(phrase)
            if end <= sentence.end and all(
                    word in (doc[token.i + k].lemma_.lower(), doc[token.i + k].lower_)
                    for k, word in enumerate(phrase[1:], start=1)):
                yield kind, token.i, end


def _modifies_other_thing(token: Token, event_nouns: frozenset[str]) -> bool:
    """"assault missions", "strike price": an event word used to describe something else."""
    return token.dep_ in {"compound", "amod"} and token.head.pos_ in {"NOUN", "PROPN"} \
        and token.head.lemma_.lower() not in event_nouns


def _context_lemmas(sentence: Span, start: int, end: int, window: int) -> set[str]:
    doc = sentence.doc
    lo, hi = max(sentence.start, start - window), min(sentence.end, end + window)
    tokens = list(doc[lo:hi])
    for token in doc[start:end]:
        tokens.extend(token.children)
        tokens.append(token.head)
        tokens.extend(child for child in token.head.children if child.dep_ in {"dobj", "nsubj", "nsubjpass", "pobj"})
    lemmas: set[str] = set()
    for token in tokens:
        lemmas.update((token.lemma_.lower(), token.lower_))
    return lemmas


def _needs_met(sentence: Span, start: int, end: int, kind: EventKind) -> bool:
    own = {sentence.doc[i].lemma_.lower() for i in range(start, end)}
    # A trigger carrying its own need counts ("airstrike"); otherwise the need must be nearby.
    if kind.needs and not (kind.needs & (_context_lemmas(sentence, start, end, _NEEDS_WINDOW) - own)
                           or kind.needs & own):
        return False
    return not (kind.needs_not and kind.needs_not & _context_lemmas(sentence, start, end, 3))


def _without_overlaps(found: list[Mention], doc: Doc) -> list[Mention]:
    """One event per stretch of words: the longer phrase, then the more specific kind, wins
    ("suicide car bomb" is a suicide bombing, not also a remote explosive; in "car bomb attack"
    the bomb names the attack)."""
    ranked = sorted(found, key=lambda m: (-(m.end - m.start), -m.kind.priority, m.start))
    kept: list[Mention] = []
    for mention in ranked:
        if any(_clash(mention, other, doc) for other in kept):
            continue
        kept.append(mention)
    return sorted(kept, key=lambda m: m.start)


def _clash(one: Mention, other: Mention, doc: Doc) -> bool:
    if one.start < other.end and other.start < one.end:
        return True
    a, b = one.head(doc), other.head(doc)
    modifier = {"compound", "amod", "nmod", "nn"}
    return (a.head == b and a.dep_ in modifier) or (b.head == a and b.dep_ in modifier)


def _happened(token: Token) -> bool:
    """False for negated, hypothetical, planned or only threatened events ("no one was
    arrested", "could launch an offensive to retake the town", "are due to meet")."""
    verb = token if token.pos_ in {"VERB", "AUX"} else _governing_verb(token)
    if any(child.dep_ == "det" and child.lower_ in _NEGATING_DETS for child in token.children):
        return False
    if verb is None:
        return True
    if token.pos_ not in {"VERB", "AUX"} and verb.lemma_.lower() in _STOPPING:
        return False
    current = verb
    for _ in range(4):  # the verb, then the verbs it depends on: "could launch ... to retake"
        if not _asserted_here(current):
            return False
        if current.dep_ not in {"xcomp", "advcl", "ccomp", "conj", "acomp"} or current.head is current:
            break
        current = current.head
    return not (token.pos_ not in {"VERB", "AUX"} and _in_purpose_clause(verb))


def _asserted_here(verb: Token) -> bool:
    for child in verb.children:
        if child.dep_ == "neg" or child.lower_ == "never":
            return False
        if child.dep_ == "aux" and child.lower_ in _HYPOTHETICAL_AUX:
            return False
        if child.dep_ in {"nsubj", "nsubjpass"} and (child.lower_ in _NEGATING_DETS or any(
                grand.dep_ == "det" and grand.lower_ in _NEGATING_DETS for grand in child.children)) \
                and not _counted(child):
            return False
    if verb.dep_ in {"xcomp", "ccomp"} and verb.head.lemma_.lower() in _NOT_HAPPENED | {"due"}:
        return False
    return not (verb.dep_ == "xcomp" and verb.head.lemma_.lower() == "be")  # "are to pull back"


def _counted(noun: Token) -> bool:
    """"no more than 20 soldiers" is a count, not a denial."""
    return any(child.dep_ == "nummod" or child.like_num for child in noun.children)


def _in_purpose_clause(verb: Token) -> bool:
    """"sent to help contain Ukraine's counteroffensive": the aim of an act, not an event."""
    current = verb
    for _ in range(3):
        if current.dep_ == "advcl" and any(c.dep_ == "aux" and c.lower_ == "to" for c in current.children):
            return True
        if current.dep_ not in {"xcomp", "advcl"} or current.head is current:
            return False
        current = current.head
    return False


def _governing_verb(token: Token) -> Token | None:
    current = token
    for _ in range(4):
        if current.head is current:
            return None
        current = current.head
        if current.pos_ in {"VERB", "AUX"}:
            return current
    return None


def _fold(doc: Doc, mentions: list[Mention]) -> list[Mention]:
    """Generic mentions (deaths) and repeats fold into the most specific event of the sentence
    when it can carry their figures: "a drone strike killed three" is one event, not two."""
    if len(mentions) < 2:
        return mentions
    kept: list[Mention] = []
    for mention in sorted(mentions, key=lambda m: -m.kind.priority):
        if any(other.kind.code == mention.kind.code for other in kept):
            continue
        if any(_object_of(mention, other, doc) for other in mentions if other is not mention):
            continue  # "repelled 41 attacks": the attacks are what the repelling event is about
        if mention.kind.code == "deaths" and any(
                mention.kind.figures & other.kind.figures for other in kept):
            continue
        kept.append(mention)
    return sorted(kept, key=lambda m: m.start)


def _object_of(one: Mention, other: Mention, doc: Doc) -> bool:
    head = one.head(doc)
    return head.dep_ == "dobj" and other.head(doc).pos_ == "VERB" and head.head == other.head(doc)


# --- figures, time and the record -----------------------------------------------------------


def _assign_figures(doc: Doc, mentions: list[Mention], figures: tuple[Figure, ...],
                    sentence: Span) -> list[tuple[Figure, ...]]:
    """Each figure of the sentence goes to the nearest event that counts that kind of figure."""
    assigned: list[list[Figure]] = [[] for _ in mentions]
    for figure in figures:
        if not (sentence.start_char <= figure.span.start < sentence.end_char):
            continue
        takers = [i for i, m in enumerate(mentions) if figure.type in m.kind.figures]
        if takers:
            nearest = min(takers, key=lambda i: abs(doc[mentions[i].start].idx - figure.span.start))
            assigned[nearest].append(figure)
    return [tuple(group) for group in assigned]


_SINGLE_VICTIM_VERBS = {FigureType.KILLED: {"kill", "die", "murder", "slay"},
                        FigureType.WOUNDED: {"wound", "injure", "hurt", "hospitalize", "hospitalise"}}
_DEATH_NOUNS = {"death", "murder", "killing", "homicide", "slaying"}
_NOT_PEOPLE = {"time", "deal", "bill", "power", "engine", "plan", "idea", "motion", "project",
               "talk", "process", "game", "story", "case", "hope", "chance", "proposal", "light"}
_ONE_PRONOUNS = {"he", "she", "him", "her"}


def _single_victims(sentence: Span, kind: EventKind, figures: tuple[Figure, ...],
                    field: str) -> tuple[Figure, ...]:
    """One victim written without a number counts 1 ("a man was shot and killed", "the
    officer died", "was found dead", "the shooting death of his girlfriend"), marked
    ``derived``: inferred from a singular noun, not written as a figure."""
    found: list[Figure] = []
    for figure_type in (FigureType.KILLED, FigureType.WOUNDED):
        if figure_type not in kind.figures or any(f.type == figure_type for f in figures):
            continue
        for token in sentence:
            victim = _victim_of(token, figure_type)
            count = _people(victim) if victim is not None and _happened(token) else None
            if count:
                span = TextSpan(victim.idx, victim.idx + len(victim.text), victim.text, field)
                found.append(Figure(figure_type, count, count, count, False, span, derived=True))
                break
    return tuple(found)


def _victim_of(token: Token, figure_type: FigureType) -> Token | None:
    lemma = token.lemma_.lower()
    if lemma in _SINGLE_VICTIM_VERBS[figure_type] and token.pos_ == "VERB":
        return _victim(token)
    if figure_type is not FigureType.KILLED:
        return None
    if lemma == "shoot" and token.pos_ == "VERB" and any(  # "fatally shot", "shot to death"
            c.lower_ in {"fatally", "dead"} or (c.lower_ == "to" and any(g.lower_ == "death" for g in c.children))
            for c in token.children):
        return _victim(token)
    if token.lower_ == "dead" and token.head.pos_ in {"AUX", "VERB"}:  # "is dead", "found dead"
        holder = token.head
        for _ in range(2):  # "had been shot and was pronounced dead": the subject is shared
            subject = next((c for c in holder.children if c.dep_ in {"nsubj", "nsubjpass", "dobj"}), None)
            if subject is not None or holder.dep_ != "conj":
                return subject
            holder = holder.head
        return None
    if lemma in _DEATH_NOUNS and token.pos_ == "NOUN":  # "the shooting death of his girlfriend"
        prep = next((c for c in token.children if c.dep_ == "prep" and c.lower_ == "of"), None)
        return next((c for c in prep.children if c.dep_ == "pobj"), None) if prep else None
    return None


def _victim(verb: Token) -> Token | None:
    # Headlines drop the auxiliary: in "Man shot, killed" the man is the one shot.
    reduced = verb.tag_ == "VBN" and not any(c.dep_ in {"aux", "auxpass"} for c in verb.children)
    # Whoever dies is the victim, also when "died" shares its subject with another verb.
    subject_is_victim = reduced or verb.lemma_.lower() == "die"
    current = verb
    for _ in range(3):
        for child in current.children:
            if child.dep_ == "nsubjpass" or (child.dep_ == "nsubj" and subject_is_victim) \
                    or (child.dep_ == "dobj" and current is verb):
                return child
        if current.dep_ not in {"conj", "xcomp"} and not (reduced and current.dep_ == "advcl"):
            return None
        current = current.head
    return None


def _people(token: Token) -> int | None:
    """How many people the victim phrase names: one for a singular noun or "he", the number
    for "two women", two for "both teens"; None when it is not a count of people."""
    if token.lower_ in _ONE_PRONOUNS:
        return 1
    if token.lemma_.lower() in _NOT_PEOPLE or token.ent_type_ in {"ORG", "GPE", "DATE"}:
        return None
    if token.tag_ in {"NNS", "NNPS"}:
        number = next((c for c in token.children if c.dep_ == "nummod"), None)
        if number is not None:
            return parse_number([number.text])
        return 2 if any(c.lower_ == "both" for c in token.children) else None
    if token.tag_ in {"NN", "NNP"} and not any(c.dep_ == "nummod" for c in token.children):
        return 1
    return None


def _event_time(doc: Doc, sentence: Span, trigger: TextSpan, claim: Claim,
                article: Article) -> EventTime:
    # The whole sentence: "X said on Thursday that five were killed" dates the killing too.
    whole = sentence[0].sent if len(sentence) else sentence
    times = [t for t in claim.times if whole.start_char <= t.span.start < whole.end_char]
    if times:
        best = min(times, key=lambda t: abs(t.span.start - trigger.start))
        return _from_expression(best, article)
    before = f"; before {article.published.date().isoformat()}" if article.published else ""
    return EventTime(None, None, TimePrecision.UNKNOWN, None, f"date unknown{before}")


def _from_expression(expression: TimeExpr, article: Article) -> EventTime:
    note = expression.note
    if expression.start is None and article.published:
        # "in a single day": how long, not when; the report's date bounds it.
        known = f" ({note})" if note else ""
        note = f"date unknown; before {article.published.date().isoformat()}{known}"
    return EventTime(expression.start, expression.end, expression.precision, expression.span, note)


def _event(doc: Doc, sentence: Span, mention: Mention, claim: Claim, article: Article,
           figures: tuple[Figure, ...]) -> Event:
    field = claim.content.field
    trigger_span = doc[mention.start : mention.end]
    trigger = TextSpan(trigger_span.start_char, trigger_span.end_char, trigger_span.text, field)
    kind = mention.kind
    subject, patient = subject_and_object(trigger_span.root)
    acted_on_place = None
    if patient is not None and patient.dep_ == "dobj" and may_be_place(patient):
        acted_on_place = patient  # "seized Goma", "shelled Kharkiv"
        if is_placelike(patient):
            patient = None  # surely a place; otherwise resolve decides (Hamas is an actor)
    if patient is not None and mention.start <= patient.i < mention.end:
        patient = None  # "set up a base": the object is part of the trigger phrase
    actor1, actor2, targets, associated = None, None, (), ()
    subject_actor = actor_for(subject, field) if subject is not None else None
    patient_actor = actor_for(patient, field) if patient is not None else None
    if kind.patient == "actor1":
        actor1 = patient_actor or subject_actor
        if patient_actor and subject_actor and subject_actor.text != patient_actor.text:
            associated = (subject_actor,)
    elif kind.patient == "actor2":
        actor1, actor2 = subject_actor, patient_actor
    else:
        actor1 = subject_actor
        targets = (patient_actor,) if patient_actor else ()
    return Event(
        id=f"{article.id}:e{field[0]}{trigger.start}-{trigger.end}",
        article_id=article.id, code=kind.code, event_type=kind.event_type,
        sub_event_type=kind.sub_event_type, plover=kind.plover, trigger=trigger,
        certainty=claim.certainty, time=_event_time(doc, sentence, trigger, claim, article),
        actor1=actor1, actor2=actor2, associated=associated, targets=targets,
        places=place_candidates(sentence, trigger_span, field, taken=_taken(subject, patient),
                                first=acted_on_place),
        figures=figures + _single_victims(sentence, kind, figures, field), claim_ids=(claim.id,),
        lemmas=tuple(dict.fromkeys([trigger_span.root.lemma_.lower()]
                                   + [t.lemma_.lower() for t in trigger_span if t.is_alpha])),
    )


def _taken(*tokens: Token | None) -> set[int]:
    """Tokens already read as participants: "Russia sent troops" names an actor, not a place."""
    return {token.i for token in tokens if token is not None}
