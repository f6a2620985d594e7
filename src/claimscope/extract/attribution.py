"""Find attribution frames in a parsed Doc: who (source), the cue, and what (content).

A frame is found from the dependency parse: a speech verb with a subject and a clausal
complement ("X said that ..."), a parenthetical ("..., X said."), "according to X", passives
("it was reported that", "X is said to", "X was quoted as saying"), participles ("..., saying
...") and quotations that continue past one sentence. Frames are plain token/char ranges; the
claims module turns them into records.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Doc, Span, Token

from claimscope.extract import lexicon
from claimscope.extract.nlp import text_of

_QUOTES = {'"', "“", "”", "``", "''", "«", "»"}
_OPEN_QUOTES = {"“", "«", "``"}
_SUBJECT_DEPS = {"nsubj", "nsubjpass", "csubj"}
_CONTENT_DEPS = {"ccomp", "xcomp", "parataxis"}
# Verbs that report speech only when a speaker is their subject; with an abstract subject
# ("the data show", "this underscores") they are the outlet's analysis.
_SPEAKER_ONLY_VERBS = lexicon.ANALYSIS_VERBS | {"show", "suggest", "indicate", "mark", "stress", "note", "point"}
_MIN_CONTENT_CHARS = 2  # a cue with nothing after it ("..., he added.") reports nothing
_RELAY_VERBS = {"cite", "relay", "quote", "repeat", "pick", "broadcast", "carry", "publish", "air",
                "share", "amplify"}
_SPEAKER_ENTS = {"PERSON", "ORG", "GPE", "NORP"}


@dataclass(slots=True)
class Frame:
    cue: tuple[int, int]  # token range of the cue, end exclusive
    cue_lemma: str
    content: tuple[int, int]  # character range in the Doc text
    source: tuple[int, int] | None  # token range of the source mention; None = the outlet
    negated: bool = False
    passive_unsourced: bool = False  # "it was reported", "X is said to": no speaker given
    channel: list[tuple[int, int]] = field(default_factory=list)  # token ranges of channels
    relay: tuple[int, int] | None = None  # token range of an intermediary ("told Reuters")
    cited: tuple[int, int] | None = None  # "citing X": X is the ultimate source
    told: tuple[int, int] | None = None  # "told Reuters": the channel of the statement
    quote_continuation: bool = False
    anonymous: bool = False  # "speaking on condition of anonymity" beside the cue
    via: Frame | None = None  # the relaying frame: "a lawmaker said the NIS estimated ..."
    cue_char: int = -1  # character offset of the cue's first token
    tagged: bool = False  # found by the trained tagger, not by the rules


def sentence_units(doc: Doc) -> list[Span]:
    """Sentences with stray closing quotes and fragments folded into their neighbour."""
    units: list[Span] = []
    for sent in doc.sents:
        substantive = [t for t in sent if not (t.is_punct or t.is_space)]
        if units and not substantive and sent.start == units[-1].end:
            units[-1] = doc[units[-1].start : sent.end]
        else:
            units.append(sent)
    return units


def find_frames(doc: Doc) -> list[Frame]:
    frames: list[Frame] = []
    for unit in sentence_units(doc):
        unit_frames = _frames_in(unit)
        frames.extend(_outermost(unit_frames, unit.doc))
    _extend_open_quotes(doc, frames)
    frames.extend(_continued_quotes(doc, frames))
    from claimscope.extract.tagged import tagged_frames  # imports this module

    frames.extend(tagged_frames(doc, frames))
    frames = [f for f in frames if f.content[1] - f.content[0] >= _MIN_CONTENT_CHARS]
    return sorted(frames, key=lambda f: f.content[0])


def _frames_in(unit: Span) -> list[Frame]:
    frames = [frame] if (frame := _colon_frame(unit)) is not None else []
    for token in unit:
        if token.lower_ == "according" and token.i + 1 < unit.end and token.nbor(1).lower_ == "to":
            frame = _according_to(token, unit)
        elif token.lemma_.lower() in lexicon.SPEECH_VERBS and token.pos_ in {"VERB", "AUX"}:
            frame = _verb_frame(token, unit)
        else:
            frame = None
        if frame is not None:
            frames.append(frame)
    return frames


def _outermost(frames: list[Frame], doc: Doc) -> list[Frame]:
    """One speaker per clause: a frame whose cue sits inside another's content is dropped,
    except a named source reported by the outer speaker ("a lawmaker said the intelligence
    service estimated that ..."), which becomes the claim with the outer speaker as relay."""
    kept = []
    replaced: set[int] = set()
    for frame in frames:
        outer = next((o for o in frames if o is not frame and o.content[0] <= frame.cue_char < o.content[1]), None)
        if outer is None:
            kept.append(frame)
        elif _reported_speaker(frame, outer, doc):
            frame.via = outer
            replaced.add(id(outer))
            kept.append(frame)
    return [f for f in kept if id(f) not in replaced]


def _reported_speaker(inner: Frame, outer: Frame, doc: Doc) -> bool:
    """The inner speech verb heads the outer content: it opens within a 'that' of its start."""
    if inner.source is None or doc[inner.source[0]].pos_ == "PRON" or outer.source is None:
        return False
    opening = doc[inner.source[0]].idx
    between = text_of(doc)[outer.content[0] : opening].strip().lower()
    return between in {"", "that"}


# --- frame builders -------------------------------------------------------------------------


def _according_to(token: Token, unit: Span) -> Frame | None:
    to = token.nbor(1)
    objects = [c for c in to.children if c.dep_ == "pobj"] or [c for c in token.children if c.dep_ == "pobj"]
    if not objects:
        return None
    source = _np_range(objects[0])
    phrase_start = token.i
    phrase_end = max(source[1], to.i + 1)
    before = (unit.start, phrase_start)
    after = (phrase_end, unit.end)
    left = _chars(unit.doc, *before)
    right = _chars(unit.doc, *after)
    content = right if (right[1] - right[0]) >= (left[1] - left[0]) else left
    frame = Frame(cue=(token.i, to.i + 1), cue_lemma="according to", content=_trim(unit.doc, content),
                  source=source)
    _mark(frame, unit.doc)
    return frame if frame.content[1] > frame.content[0] else None


def _colon_frame(unit: Span) -> Frame | None:
    """'Kremlin: No troops crossed the border' — a headline or lead that names its speaker
    before a colon, with no verb of its own."""
    tokens = [t for t in unit if not t.is_space]
    colon = next((t for t in tokens[:7] if t.text == ":"), None)
    if colon is None or colon.i == tokens[0].i:
        return None
    speaker = unit.doc[tokens[0].i : colon.i]
    after = unit.doc[colon.i + 1 : unit.end]
    if (any(t.pos_ in {"VERB", "AUX"} for t in speaker) or not speaker[0].is_title
            or sum(t.is_alpha for t in after) < 3 or speaker[-1].pos_ not in {"PROPN", "NOUN"}):
        return None
    frame = Frame(cue=(colon.i, colon.i + 1), cue_lemma=":",
                  content=_trim(unit.doc, (after.start_char, after.end_char)),
                  source=(speaker.start, speaker.end))
    _mark(frame, unit.doc)
    return frame if frame.content[1] > frame.content[0] else None


def _verb_frame(verb: Token, unit: Span) -> Frame | None:
    lemma = verb.lemma_.lower()
    doc = unit.doc
    children = list(verb.children)
    subjects = [c for c in children if c.dep_ in _SUBJECT_DEPS] or _shared_subject(verb)
    passive = any(c.dep_ == "auxpass" for c in children) or any(c.dep_ == "nsubjpass" for c in children)
    complements = [c for c in children if c.dep_ in _CONTENT_DEPS and c.i > verb.i - 40]
    complements += [c for c in children if _fronted_report(c, verb)]
    negated = any(c.dep_ == "neg" for c in children)

    if verb.dep_ in {"relcl", "acl", "amod"} and not complements:
        return None  # "troops who were promised short deployments" describes, it does not report
    if verb.dep_ == "advcl" and verb.tag_ == "VBG" and lemma in {"say", "add", "claim", "warn", "note", "insist", "tell", "report"}:
        return _participle_frame(verb, complements, negated)
    if passive and lemma == "quote":
        return _quoted_as_saying(verb, subjects, negated)

    content_range = None
    if complements:
        complement = complements[0]
        start = complement.left_edge.i
        objects = [c for c in children if c.dep_ == "dobj" and verb.i < c.i < start and lemma not in {"tell", "ask"}]
        if objects:
            start = objects[0].left_edge.i  # "videos show soldiers executing ...": the object opens it
        content_range = _chars(doc, start, _clause_end(complement))
        trailing = _trailing_channel(complement)
        if trailing is not None:
            content_range = (content_range[0], min(content_range[1], doc[trailing.left_edge.i].idx))
    elif verb.dep_ in {"parataxis", "ccomp"} and verb.i > verb.head.i and subjects:
        # "Eight died, officials said.": the parser hangs "said" under the reported clause.
        head_range = _subtree_range(verb.head)
        own = _subtree_range(verb)
        content_range = _chars(doc, head_range[0], own[0])
    elif (clause := _misattached_clause(verb)) is not None:
        content_range = _chars(doc, *_subtree_range(clause))
    elif lemma not in lexicon.CLAUSE_ONLY_VERBS:
        objects = [c for c in children if c.dep_ == "dobj" and c.pos_ in {"NOUN", "PROPN"} and lemma not in {"tell", "ask", "call", "quote", "cite", "describe"}]
        if objects:
            content_range = _chars(doc, *_subtree_range(objects[0]))
        else:
            content_range = _adjacent_quote(verb, unit)
    if content_range is None:
        return None

    source = None
    passive_unsourced = False
    if passive:
        agents = [c for c in children if c.dep_ == "agent"]
        agent_objects = [g for a in agents for g in a.children if g.dep_ == "pobj"]
        if agent_objects:
            source = _np_range(agent_objects[0])
        else:
            passive_unsourced = True
            subject = next((s for s in subjects if s.dep_ == "nsubjpass"), None)
            if subject is not None and subject.lower_ != "it" and complements and complements[0].dep_ == "xcomp":
                # "X is said to have fled": the content is X plus the infinitive.
                start = _subtree_range(subject)[0]
                content_range = _chars(doc, start, _subtree_range(complements[0])[1])
    elif not subjects and (trailing := _trailing_speaker(verb, complements)) is not None:
        # "..., the region's governor, Mykola Sytnyk, said.": the parser swallowed the speaker.
        source = _np_range(trailing)
        content_range = (content_range[0], min(content_range[1], doc[source[0]].idx))
    elif subjects:
        subject = subjects[0]
        if subject.lower_ in {"i", "we", "you"} and _inside_quotes(verb):
            return None
        if subject.lower_ in {"who", "which", "that", "whom"}:
            return None  # "officials, who asked not to be named, ...": a description of the speaker
        if lemma in _SPEAKER_ONLY_VERBS and not _speaker_like(subject):
            return None  # "This information emphasizes ...": interpretation, not speech
        source = _np_range(subject)
        for other in subjects[1:]:  # "spokesman Abdulmalik al-Harazi" parsed as two subjects
            other_range = _np_range(other)
            if other_range[0] == source[1]:
                source = (source[0], other_range[1])
    else:
        return None
    if source is not None and _overlap_tokens(source, content_range, doc):
        return None
    citing = _leading_citation(complements[0]) if complements else None
    if citing is not None:
        # "X reported, citing police, that ...": the parser puts the citation in the clause.
        content_range = (max(content_range[0], _chars(doc, *_subtree_range(citing))[1]), content_range[1])
    frame = Frame(cue=(verb.i, verb.i + 1), cue_lemma=lemma, content=_trim(doc, content_range),
                  source=source, negated=negated, passive_unsourced=passive_unsourced)
    if citing is not None:
        objects = [c for c in citing.children if c.dep_ in {"dobj", "pobj"}]
        frame.cited = _np_range(objects[0]) if objects else None
    _attach_channels(frame, verb)
    if complements and (trailing := _trailing_channel(complements[0])) is not None:
        frame.channel += [_np_core_range(o) for o in trailing.children if o.dep_ == "pobj"]
        frame.relay = frame.relay or _relay_in(trailing.subtree)
    frame.anonymous = any(c.dep_ in {"advcl", "npadvmod", "prep"} and _anonymity(c) for c in children)
    if frame.relay is None:
        outside = [t for t in verb.subtree if not (frame.content[0] <= t.idx < frame.content[1])]
        frame.relay = _relay_in(outside)
    _mark(frame, doc)
    return frame if frame.content[1] > frame.content[0] else None


def _trailing_speaker(verb: Token, complements: list[Token]) -> Token | None:
    """The appositive just before a subjectless speech verb that ends a reported clause."""
    if not complements or complements[0].i > verb.i:
        return None
    i = verb.i - 1
    while i >= 0 and (verb.doc[i].is_punct or verb.doc[i].is_space):
        i -= 1
    if i < 0 or verb.doc[i].i <= complements[0].i:
        return None
    token = verb.doc[i]
    while token.dep_ not in {"appos", "conj"} and token.head.i < verb.i and token.head is not token:
        if token.head.i <= complements[0].i:
            return None
        token = token.head
    if token.dep_ in {"appos", "conj"} and verb.doc[token.left_edge.i - 1].text == ",":
        return token
    return None


def _leading_citation(complement: Token) -> Token | None:
    """A 'citing X' participle that opens the reported clause, before its subject."""
    subject_start = min((c.left_edge.i for c in complement.children if c.dep_ in _SUBJECT_DEPS),
                        default=complement.i)
    for child in complement.children:
        if child.lemma_ == "cite" and child.tag_ == "VBG" and child.i < subject_start:
            return child
    return None


def _fronted_report(clause: Token, verb: Token) -> bool:
    """'Since October, 1,500 civilians have been killed, the office said': the parser may hang
    the reported clause as an adverbial; one before the verb, with a subject and no
    subordinating word, and set off by a comma, is the content."""
    return (clause.dep_ == "advcl" and clause.i < verb.i
            and any(c.dep_ in _SUBJECT_DEPS for c in clause.children)
            and not any(c.dep_ == "mark" for c in clause.children)
            and any(t.text == "," for t in verb.doc[clause.right_edge.i : verb.i]))


def _shared_subject(verb: Token) -> list[Token]:
    """'He praised Rubio and said ...': a conjoined verb shares the first verb's subject.
    'X said its forces hit Y and claimed Z': the parser joins 'claimed' to 'hit', but the
    claimant is X, the subject of the speech verb whose clause 'hit' heads."""
    head = verb
    while head.dep_ == "conj" and head.head is not head:
        head = head.head
        if head.dep_ == "ccomp" and head.head.lemma_.lower() in lexicon.SPEECH_VERBS:
            speaker = [c for c in head.head.children if c.dep_ in {"nsubj", "nsubjpass"}]
            if speaker:
                return speaker
        subjects = [c for c in head.children if c.dep_ in {"nsubj", "nsubjpass"}]
        if subjects:
            return subjects
    return []


def _clause_end(complement: Token) -> int:
    """Where a reported clause ends: before a coordinated speech verb that starts a new claim."""
    end = complement.right_edge.i + 1
    for child in complement.children:
        if child.dep_ == "conj" and child.lemma_.lower() in lexicon.SPEECH_VERBS and not any(
                c.dep_ in _SUBJECT_DEPS for c in child.children):
            cut = child.left_edge.i
            while cut > complement.i and complement.doc[cut - 1].dep_ in {"cc", "punct"}:
                cut -= 1
            end = min(end, cut)
    return end


def _misattached_clause(verb: Token) -> Token | None:
    """'X said at a briefing that ...': the parser often hangs the that-clause on 'briefing'."""
    for child in verb.children:
        if child.dep_ != "prep" or child.i < verb.i:
            continue
        for obj in child.children:
            for clause in obj.children:
                if clause.dep_ in {"relcl", "acl", "ccomp"} and clause.left_edge.lower_ == "that" and any(
                        c.dep_ in _SUBJECT_DEPS for c in clause.children):
                    return clause
    return None


def _participle_frame(verb: Token, complements: list[Token], negated: bool) -> Frame | None:
    """'The ministry issued a statement saying ...': the speaker is the head verb's subject."""
    if not complements:
        return None
    head = verb.head
    subjects = [c for c in head.children if c.dep_ in {"nsubj", "nsubjpass"}]
    if not subjects:
        return None
    doc = verb.doc
    frame = Frame(cue=(verb.i, verb.i + 1), cue_lemma=verb.lemma_.lower(),
                  content=_trim(doc, _chars(doc, *_subtree_range(complements[0]))),
                  source=_np_range(subjects[0]), negated=negated)
    for obj in head.children:
        if obj.dep_ == "dobj" and obj.lemma_.lower() in lexicon.CHANNEL_WORDS:
            frame.channel.append(_np_range(obj))
    _attach_channels(frame, head)
    _mark(frame, doc)
    return frame


def _quoted_as_saying(verb: Token, subjects: list[Token], negated: bool) -> Frame | None:
    """'X was quoted as saying ...' (optionally 'by TASS')."""
    saying = next((t for t in verb.subtree if t.lemma_ == "say" and t.i > verb.i), None)
    if saying is None or not subjects:
        return None
    complements = [c for c in saying.children if c.dep_ in _CONTENT_DEPS or c.dep_ == "dobj"]
    doc = verb.doc
    content = _chars(doc, *_subtree_range(complements[0])) if complements else _adjacent_quote(saying, verb.sent)
    if content is None:
        return None
    frame = Frame(cue=(verb.i, saying.i + 1), cue_lemma="say", content=_trim(doc, content),
                  source=_np_range(subjects[0]), negated=negated)
    agents = [g for a in verb.children if a.dep_ == "agent" for g in a.children if g.dep_ == "pobj"]
    if agents:
        frame.relay = _np_range(agents[0])
    _mark(frame, doc)
    return frame


def _attach_channels(frame: Frame, verb: Token) -> None:
    """Channels and relays hanging off the cue verb: 'in a video address', 'told Reuters', 'citing X'."""
    if verb.dep_ == "relcl" and verb.head.lemma_.lower() in lexicon.CHANNEL_WORDS:
        frame.channel.append(_np_core_range(verb.head))  # "a video in which a man said ..."
    for child in verb.children:
        if child.dep_ == "prep":
            for obj in child.children:
                if obj.dep_ == "pobj" and obj.lemma_.lower() in lexicon.CHANNEL_WORDS:
                    frame.channel.append(_np_core_range(obj))
        if child.dep_ in {"dative", "dobj"} and verb.lemma_ == "tell":
            start, end = _np_range(child)
            while end < len(verb.doc) and verb.doc[end].is_title and verb.doc[end].lower_ != "that":
                end += 1  # "the exile news site Myanmar Now": 'Now' is part of the name
            frame.told = (start, end)
        if child.lower_ == "citing" or (child.dep_ == "advcl" and child.lemma_ == "cite"):
            objects = [c for c in child.children if c.dep_ in {"dobj", "pobj"} and not _own_material(c)]
            if objects:
                frame.cited = _np_range(objects[0])


def _speaker_like(subject: Token) -> bool:
    if subject.lower_ in {"he", "she", "they", "i", "we"} or subject.ent_type_ in _SPEAKER_ENTS:
        return True
    from claimscope.extract.sources import classify_keywords

    core = [t for t in subject.subtree if not any(a.dep_ in {"acl", "relcl", "prep", "appos"} and a.i != subject.i
                                                  for a in [t, *t.ancestors] if a.i in {x.i for x in subject.subtree})]
    return classify_keywords(" ".join(t.text for t in core)) is not None


def _trailing_channel(complement: Token) -> Token | None:
    """', in a post that was later picked up by Izvestia' closing a reported clause."""
    for child in complement.children:
        if (child.dep_ == "prep" and child.right_edge.i == complement.right_edge.i
                and child.i > complement.i and complement.doc[child.i - 1].text == ","
                and any(o.dep_ == "pobj" and o.lemma_.lower() in lexicon.CHANNEL_WORDS for o in child.children)):
            return child
    return None


def _anonymity(token: Token) -> bool:
    text = " ".join(t.lower_ for t in token.subtree)
    return any(marker in text for marker in ("condition of anonymity", "declined to be named",
                                             "asked not to be named", "not authorised", "not authorized"))


def _own_material(token: Token) -> bool:
    """'citing its own analysis of court records': the speaker's own work, not another source."""
    return any(t.lower_ == "own" for t in token.subtree) or token.lemma_.lower() in {
        "analysis", "data", "record", "document", "footage", "image", "figure", "estimate"}


def _relay_in(tokens) -> tuple[int, int] | None:
    """'later cited by the broadcaster Al Arabiya', 'relayed by TASS': an intermediary."""
    for token in tokens:
        if token.lemma_.lower() in _RELAY_VERBS and token.tag_ == "VBN":
            for agent in token.children:
                if agent.dep_ == "agent":
                    objects = [g for g in agent.children if g.dep_ == "pobj"]
                    if objects and not any(c.dep_ == "poss" and c.pos_ == "PRON" for c in objects[0].children):
                        return _np_range(objects[0])  # "its propaganda arm" is a channel, not a relay
    return None


def _adjacent_quote(verb: Token, unit: Span) -> tuple[int, int] | None:
    """A quotation in the same sentence as the cue but outside its subtree: 'He said: "..."'."""
    doc = verb.doc
    text = text_of(doc)
    start, end = unit.start_char, unit.end_char
    ranges = _quote_ranges(text, start, end)
    verb_char = verb.idx
    best = None
    for q_start, q_end in ranges:
        if q_start <= verb_char < q_end:
            continue
        if q_end - q_start < 12:
            continue
        if best is None or abs(q_start - verb_char) < abs(best[0] - verb_char):
            best = (q_start, q_end)
    return best


def _quote_ranges(text: str, start: int, end: int) -> list[tuple[int, int]]:
    ranges = []
    i = start
    while i < end:
        ch = text[i]
        if ch in {'"', "“"}:
            closer = text.find("”" if ch == "“" else '"', i + 1, end)
            if closer == -1:
                ranges.append((i, end))
                break
            ranges.append((i, closer + 1))
            i = closer + 1
        else:
            i += 1
    return ranges


def _inside_quotes(token: Token) -> bool:
    before = text_of(token.doc)[token.sent.start_char : token.idx]
    opened = before.count("“") + before.count('"') % 2
    closed = before.count("”")
    return (before.count('"') % 2 == 1) or opened - closed - (before.count('"') % 2) > 0


# --- quotes across sentences --------------------------------------------------------------


def _extend_open_quotes(doc: Doc, frames: list[Frame]) -> None:
    """A quotation is one content even when it runs over several sentences: a content that
    opens a quote runs on to its close, one that closes a quote runs back to its opening."""
    text = text_of(doc)
    for frame in frames:
        start, end = frame.content
        paragraph_start = text.rfind("\n\n", 0, start) + 1
        paragraph_end = text.find("\n\n", end)
        paragraph_end = len(text) if paragraph_end == -1 else paragraph_end
        before = text[paragraph_start:start]
        if _open_quote_before(before) and (opener := _last_opener(before)) is not None:
            start = min(paragraph_start + opener + 1, end)
        segment = text[start:end]
        if _unclosed(segment):
            closer = _next_closer(text, end, paragraph_end)
            if closer is not None:
                end = closer
        frame.content = (start, end)


def _open_quote_before(before: str) -> bool:
    """True when a quotation opened earlier in the paragraph is still open at this point."""
    return before.count('"') % 2 == 1 or before.count("“") > before.count("”")


def _last_opener(before: str) -> int | None:
    positions = [before.rfind("“"), before.rfind('"')]
    best = max(positions)
    return best if best >= 0 else None


def _unclosed(segment: str) -> bool:
    return segment.count('"') % 2 == 1 and segment.lstrip().startswith('"') or segment.count("“") > segment.count("”")


def _next_closer(text: str, start: int, limit: int) -> int | None:
    positions = [p for p in (text.find('"', start, limit), text.find("”", start, limit)) if p != -1]
    return min(positions) if positions else None


def _continued_quotes(doc: Doc, frames: list[Frame]) -> list[Frame]:
    """'"A," he said. "B."': B is the same speaker's quotation, a claim of its own."""
    new = []
    units = sentence_units(doc)
    by_end = {}
    for frame in frames:
        by_end[frame.content[1]] = frame
    covered = [(f.content[0], f.content[1]) for f in frames]
    for index, unit in enumerate(units[1:], start=1):
        text = unit.text.strip()
        if not text or text[0] not in {'"', "“"}:
            continue
        if any(a <= unit.start_char < b for a, b in covered):
            continue
        if any(unit.start_char <= f.cue_char < unit.end_char for f in frames):
            continue
        previous = units[index - 1]
        if "\n\n" in text_of(doc)[previous.end_char : unit.start_char]:
            continue
        speaker = next((f for f in frames if previous.start_char <= f.cue_char < previous.end_char), None)
        if speaker is None or not _quoted(text_of(doc), speaker.content):
            continue
        content = _trim(doc, (unit.start_char, unit.end_char))
        frame = Frame(cue=speaker.cue, cue_lemma=speaker.cue_lemma, content=content,
                      source=speaker.source, negated=False, channel=list(speaker.channel),
                      relay=speaker.relay, cited=speaker.cited, told=speaker.told,
                      quote_continuation=True,
                      cue_char=speaker.cue_char)
        new.append(frame)
    return new


def _quoted(text: str, char_range: tuple[int, int]) -> bool:
    start, end = char_range
    window = text[max(0, start - 1) : end + 1]
    return window.lstrip().startswith(('"', "“")) or window.rstrip().endswith(('"', "”"))


# --- helpers --------------------------------------------------------------------------------


def _mark(frame: Frame, doc: Doc) -> None:
    frame.cue_char = doc[frame.cue[0]].idx


def _np_range(token: Token) -> tuple[int, int]:
    start, end = _subtree_range(token)
    doc = token.doc
    while end > start + 1 and (doc[end - 1].is_punct or doc[end - 1].is_space):
        end -= 1
    while start < end - 1 and (doc[start].is_punct or doc[start].is_space):
        start += 1
    return start, end


def mention_range(doc: Doc, token_range: tuple[int, int]) -> tuple[int, int]:
    """The speaker as a mention: 'Barkley' of 'Barkley, who said he votes ...', 'A news report'
    of 'A news report published Wednesday', without a dateline or heading before a line break."""
    start, end = token_range
    root = doc[start:end].root
    for child in root.children:
        # a mis-parse can hang the noun itself off a determiner as a clause ("The clip says"):
        # cut only where a noun or pronoun is left
        if child.dep_ in {"relcl", "acl"} and child.i > root.i and any(
                t.pos_ in _NOMINAL for t in doc[start:child.left_edge.i]):
            end = min(end, child.left_edge.i)
    for i in range(end - 1, start, -1):
        if "\n" in doc[i - 1].text_with_ws or doc[i - 1].is_space or doc[i - 1].text in {"–", "—"}:
            start = i
            break
    while end > start + 1 and (doc[end - 1].is_punct or doc[end - 1].is_space):
        if doc[end - 1].text == ")" and any(t.text == "(" for t in doc[start:end - 1]):
            break  # "Rep. Gwen Moore (D-Wis.)": the bracket belongs to the name
        end -= 1
    return start, end


_NOMINAL = {"NOUN", "PROPN", "PRON", "NUM"}


def _np_core_range(token: Token) -> tuple[int, int]:
    """A noun phrase without its clauses: 'a briefing' of 'a briefing that ...'."""
    start, end = _np_range(token)
    for child in token.children:
        if child.dep_ in {"relcl", "acl", "ccomp"} and child.i > token.i and (
                child.left_edge.lower_ == "that" or any(c.dep_ in _SUBJECT_DEPS for c in child.children)):
            end = min(end, child.left_edge.i)
    return start, max(end, token.i + 1)


def _subtree_range(token: Token) -> tuple[int, int]:
    return token.left_edge.i, token.right_edge.i + 1


def _chars(doc: Doc, start_token: int, end_token: int) -> tuple[int, int]:
    if end_token <= start_token:
        return (doc[start_token].idx if start_token < len(doc) else len(text_of(doc)),) * 2
    last = doc[end_token - 1]
    return doc[start_token].idx, last.idx + len(last)




def _trim(doc: Doc, char_range: tuple[int, int]) -> tuple[int, int]:
    start, end = char_range
    text = text_of(doc)
    while start < end and text[start] in " \t\n,;:—–":
        start += 1
    while end > start and text[end - 1] in " \t\n,;:—–":
        end -= 1
    # Keep a quotation's own marks, drop a dangling one at either edge.
    segment = text[start:end]
    if segment.count('"') % 2 == 1:
        if segment.endswith('"'):
            end -= 1
        elif segment.startswith('"'):
            start += 1
    while end > start and text[end - 1] in " \t\n,;:":
        end -= 1
    if end > start and text[end - 1] == "." and end - start > 1 and text[end - 2] != ".":
        end -= 1
    return start, end


def _overlap_tokens(source: tuple[int, int], content: tuple[int, int], doc: Doc) -> bool:
    s_start = doc[source[0]].idx
    s_end = doc[source[1] - 1].idx + len(doc[source[1] - 1])
    return content[0] <= s_start and s_end <= content[1]
