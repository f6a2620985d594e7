"""Who did what to whom, and where: an event trigger's arguments read off the dependency parse.

The rules cover the constructions of news copy: active and passive verbs ("shelled Kharkiv",
"were arrested by police"), verbs sharing a subject ("were trained and deployed", "attempted
to flee"), participles ("soldiers stationed in Russia", "killing six civilians"), nouns with
their owners ("Russian shelling", "the deployment of troops") and "suffered losses".
"""

from __future__ import annotations

from spacy.tokens import Span, Token

from claimscope.records import Actor, Place, TextSpan

_UNACCUSATIVE = {"die", "perish", "drown", "succumb", "flee", "desert", "defect", "escape",
                 "arrive", "surrender", "abscond", "crash", "collapse", "sink", "capsize"}
_EXPERIENCER_VERBS = {"suffer", "face", "sustain", "incur", "endure", "take", "report", "see"}
_CLIMB = {"conj", "xcomp", "advcl", "pcomp", "prep"}
_KIND_NOUNS = {"village", "town", "city", "settlement", "region", "oblast", "province", "governorate",
               "outskirts", "edge"}
_REGION_HEADS = {"region", "oblast", "province", "governorate", "district", "raion", "county"}
_PLACE_LABELS = {"GPE", "LOC", "FAC"}
_PLACE_NOUNS = {"region", "oblast", "province", "district", "governorate", "state", "county",
                "area", "city", "town", "village", "settlement", "municipality", "raion", "camp",
                "port", "outskirts", "centre", "center", "edge", "suburbs", "capital", "part",
                "neighbourhoods", "neighborhoods", "districts", "villages", "towns",
                "neighbourhood", "neighborhood", "suburb", "outskirts", "border", "strip", "bank"}
_PLACE_PREPOSITIONS = {"in", "near", "at", "outside", "into", "to", "around", "across", "inside",
                       "on", "towards", "toward", "along", "throughout", "within", "of", "by"}
_NEAR_WORDS = {"near", "outside", "around", "nearby", "outskirts", "close", "north", "south",
               "east", "west", "northeast", "northwest", "southeast", "southwest", "edge"}
_NOT_NAMES = {"DATE", "TIME", "CARDINAL", "MONEY", "PERCENT", "ORDINAL", "QUANTITY"}
_GROUP_PRONOUNS = {"they", "them", "he", "him", "she", "her", "it"}
_ACTOR_ENTS = {"NORP", "ORG", "GPE", "PERSON"}


def subject_and_object(trigger: Token) -> tuple[Token | None, Token | None]:
    """The acting and the acted-on participant of a trigger (either may be missing)."""
    if trigger.pos_ in {"VERB", "AUX"}:
        return _verb_arguments(trigger)
    return _noun_arguments(trigger)


def _verb_arguments(verb: Token) -> tuple[Token | None, Token | None]:
    if verb.dep_ in {"acl", "relcl"} and not _child(verb, "nsubj", "nsubjpass"):
        # "soldiers stationed in Russia": the participle's noun is what it happened to.
        return _child(verb, "agent"), verb.head
    subject, passive_subject = _child(verb, "nsubj"), _child(verb, "nsubjpass")
    agent = _agent(verb)
    obj = _child(verb, "dobj") or _prep_object(verb, {"with", "against", "on"})
    passive = passive_subject is not None or any(c.dep_ == "auxpass" for c in verb.children)
    current = verb
    while subject is None and passive_subject is None and current.dep_ in _CLIMB and current.head is not current:
        # "trained and deployed", "attempted to flee", "arrested after trying to escape"
        current = current.head
        subject, passive_subject = _child(current, "nsubj"), _child(current, "nsubjpass")
        passive = passive or (verb.dep_ == "conj" and passive_subject is not None)
    if subject is not None and subject.dep_ == "nsubj" and subject.lower_ in {"who", "which", "that"}:
        subject = subject.head.head if subject.head.dep_ == "relcl" else subject
    if passive or (passive_subject is not None and subject is None):
        return agent, passive_subject or obj
    if verb.lemma_.lower() in _UNACCUSATIVE:
        return None, subject  # "soldiers tried to escape their posts": the soldiers are the event
    return subject, obj


def _noun_arguments(noun: Token) -> tuple[Token | None, Token | None]:
    subject = _agent(noun) or next((c for c in noun.children if c.dep_ == "poss"), None) \
        or next((c for c in noun.children if c.dep_ in {"amod", "compound"} and c.ent_type_ in _ACTOR_ENTS), None)
    patient = _prep_object(noun, {"of", "on", "against", "among"})
    if noun.dep_ == "dobj" and noun.head.pos_ == "VERB":
        owner = _child(noun.head, "nsubj") or _child(noun.head, "nsubjpass")
        if noun.head.lemma_.lower() in _EXPERIENCER_VERBS:
            patient = patient or owner  # "North Korean soldiers faced casualties"
        else:
            subject = subject or owner  # "gunmen launched an attack"
    elif noun.dep_ in {"nsubj", "nsubjpass"}:
        patient = patient or _child(noun.head, "dobj")
    return subject, patient


def _child(token: Token, *deps: str) -> Token | None:
    return next((child for child in token.children if child.dep_ in deps), None)


def _agent(token: Token) -> Token | None:
    for child in token.children:
        if child.dep_ == "agent" or (child.dep_ == "prep" and child.lower_ == "by"):
            return _child(child, "pobj")
    return None


def _prep_object(token: Token, prepositions: set[str]) -> Token | None:
    for child in token.children:
        if child.dep_ == "prep" and child.lower_ in prepositions:
            obj = _child(child, "pobj")
            if obj is not None and obj.ent_type_ not in {"GPE", "LOC", "FAC"}:
                return obj
    return None


# --- actors ---------------------------------------------------------------------------------


def actor_for(token: Token, field: str) -> Actor | None:
    """The participant's noun phrase as written; a pronoun stands for its antecedent."""
    if token.pos_ == "PRON":
        antecedent = _antecedent(token)
        if antecedent is None:
            return None
        token = antecedent
    if token.ent_type_ in {"GPE", "LOC", "FAC"} and token.dep_ == "pobj" and token.head.lower_ != "by":
        return None  # a place, not a participant: "the shelling of Kharkiv"
    start, end = _phrase_bounds(token)
    doc = token.doc
    span = doc[start:end]
    return Actor(text=span.text, span=TextSpan(span.start_char, span.end_char, span.text, field))


def _phrase_bounds(token: Token) -> tuple[int, int]:
    start = token.i
    for child in token.lefts:
        if child.dep_ in {"det", "predet"} and child.lower_ in {"the", "a", "an"}:
            continue
        start = min(start, child.left_edge.i)
    end = token.i + 1
    for child in token.rights:
        if child.dep_ in {"compound", "flat", "appos"} and child.i == end:
            end = child.right_edge.i + 1
        elif child.dep_ == "prep" and child.lower_ == "of" and child.i == end:
            end = child.right_edge.i + 1  # "units of the Korean People's Army"
    if token.ent_iob_ != "O":
        entity = next(e for e in token.doc.ents if e.start <= token.i < e.end)
        start, end = min(start, entity.start), max(end, entity.end)
    return start, end


def _antecedent(pronoun: Token) -> Token | None:
    """The nearest earlier group or person noun phrase the pronoun can stand for."""
    if pronoun.lower_ not in _GROUP_PRONOUNS:
        return None
    plural = pronoun.lower_ in {"they", "them"}
    sentence_start = pronoun.sent.start
    earliest = max(0, sentence_start - 80)
    for token in reversed(pronoun.doc[earliest : pronoun.i]):
        if token.pos_ not in {"NOUN", "PROPN"} or token.dep_ not in {"nsubj", "nsubjpass", "dobj", "pobj"}:
            continue
        is_plural = token.tag_ in {"NNS", "NNPS"} or token.ent_type_ in {"NORP", "ORG"}
        if plural != is_plural:
            continue
        if token.ent_type_ in _ACTOR_ENTS or any(c.ent_type_ in _ACTOR_ENTS for c in token.children):
            return token
    return None


# --- places ---------------------------------------------------------------------------------


def place_candidates(sentence: Span, trigger: Span, field: str, *, taken: set[int] = frozenset(),
                     first: Token | None = None) -> tuple[Place, ...]:
    """Place phrases of the sentence, most likely first: ``first`` (a place the verb acts on:
    "seized Goma"), then phrases attached to the trigger's own clause, then the nearest.
    The small model misses many place names ("Kharkiv", "Khan Younis" as a person), so proper
    nouns after locative prepositions count too; ``resolve`` keeps the first that geocodes.
    Demonyms ("Russian forces") are never places."""
    phrases = [p for p in _place_phrases(sentence) if not _is_modifier(p) and p.root.i not in taken]
    clause = {trigger.root.i} | {t.i for t in trigger.root.ancestors}
    phrases.sort(key=lambda p: (p.root != first, _attachment(p) not in clause,
                                p.label_ not in _PLACE_LABELS, abs(p.start - trigger.start)))
    doc = sentence.doc
    places = []
    for phrase in phrases[:4]:
        start, end = _place_bounds(phrase)
        span = doc[start:end]
        places.append(Place(text=span.text, span=TextSpan(span.start_char, span.end_char, span.text, field)))
    return tuple(places)


def is_placelike(token: Token) -> bool:
    """A direct object that is surely a place rather than a participant ("shelled Kharkiv")."""
    return token.ent_type_ in _PLACE_LABELS or (token.pos_ == "PROPN" and token.ent_type_ == "")


def may_be_place(token: Token) -> bool:
    """A proper-noun object that may be a place the tagger mislabelled ("seized Goma");
    names written with "the" are things more often than towns ("the Koran")."""
    return token.pos_ == "PROPN" and token.ent_type_ not in _NOT_NAMES and not _with_the(token)


def _with_the(token: Token) -> bool:
    return any(child.dep_ == "det" and child.lower_ == "the" for child in token.children) \
        and token.ent_type_ not in _PLACE_LABELS


def _place_phrases(sentence: Span) -> list[Span]:
    """Place entities, "the Kursk region"-style phrases, and proper nouns after a locative
    preposition ("on Khan Younis", "the port of Hodeidah") or as a place verb's object."""
    doc = sentence.doc
    phrases = [ent for ent in sentence.ents if ent.label_ in _PLACE_LABELS]

    def add(span: Span) -> None:
        if not any(p.start <= span.root.i < p.end for p in phrases):
            phrases.append(span)

    for token in sentence:
        if token.lemma_.lower() in _REGION_HEADS:
            names = [c for c in token.lefts if c.pos_ == "PROPN" and c.dep_ in {"compound", "amod", "nmod"}]
            if names:
                add(doc[names[0].i : token.i + 1])
        elif token.pos_ == "PROPN" and token.ent_type_ not in _NOT_NAMES and not _with_the(token) \
                and _locative(token) and token.dep_ not in {"compound", "flat"}:
            # Any label: the small model calls El Fasher an ORG and Goma a PERSON; resolve
            # keeps only names the gazetteer knows and the actor table does not.
            add(_proper_name(token))
    return phrases


def _locative(token: Token) -> bool:
    if token.dep_ == "dobj":
        return True
    if token.dep_ != "pobj":
        return False
    prep = token.head
    if prep.lower_ == "of":
        return prep.head.lemma_.lower() in _PLACE_NOUNS
    return prep.lower_ in _PLACE_PREPOSITIONS - {"of", "by", "to"} or (
        prep.lower_ == "to" and prep.head.pos_ == "VERB")


def _proper_name(token: Token) -> Span:
    """The whole name around a proper noun: "Khan Younis", "Wad Madani"."""
    if token.ent_iob_ != "O":
        entity = next(e for e in token.doc.ents if e.start <= token.i < e.end)
        return token.doc[entity.start : entity.end]
    start = token.i
    while start > 0 and token.doc[start - 1].pos_ == "PROPN" and token.doc[start - 1].dep_ in {"compound", "flat"}:
        start -= 1
    return token.doc[start : token.i + 1]


def _is_modifier(ent: Span) -> bool:
    """"Ukraine's counteroffensive", "Gaza health ministry": a place naming whose, not where."""
    root = ent.root
    if root.dep_ == "poss":
        return True
    if root.dep_ in {"compound", "amod", "nmod"} and root.head.lemma_.lower() not in _PLACE_NOUNS:
        return True
    prep = root.head if root.dep_ == "pobj" else None
    return prep is not None and prep.lower_ == "from"


def _attachment(ent: Span) -> int:
    """The token the place phrase hangs from: the verb or noun its preposition attaches to."""
    token = ent.root
    for _ in range(4):
        if token.dep_ == "pobj" and token.head.lower_ in _PLACE_PREPOSITIONS:
            return token.head.head.i
        if token.head is token:
            break
        token = token.head
    return -1


def _place_bounds(ent: Span) -> tuple[int, int]:
    """The phrase as a reader would quote it: "near the village of Plekhovo", "the Kursk region",
    "Plekhovo in the Kursk region"."""
    doc = ent.doc
    start, end = ent.start, ent.end
    root = ent.root
    if root.dep_ in {"compound", "amod", "nmod"} and root.head.lemma_.lower() in _PLACE_NOUNS:
        head = root.head
        start, end = min(start, head.left_edge.i), max(end, head.i + 1)
        root = head
    if root.dep_ == "pobj" and root.head.lower_ == "of" and root.head.head.lemma_.lower() in _KIND_NOUNS:
        holder = root.head.head  # "the village of Plekhovo", not "a residential district of Kharkiv"
        start = min(start, holder.left_edge.i)
        root = holder
    if root.dep_ == "pobj" and root.head.lower_ in _NEAR_WORDS:
        start = min(start, root.head.i)
    elif start > 1 and doc[start - 1].lower_ == "of" and doc[start - 2].lower_ in _NEAR_WORDS:
        start = start - 2  # "north of Kharkiv", "outskirts of Goma"
    for child in root.rights:
        if child.dep_ == "prep" and child.lower_ == "in" and child.i >= end:
            obj = _child(child, "pobj")
            if obj is not None and (obj.ent_type_ in {"GPE", "LOC"} or any(
                    c.ent_type_ in {"GPE", "LOC"} for c in obj.children)):
                end = obj.right_edge.i + 1
    return start, end
