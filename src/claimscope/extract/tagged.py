"""Frames from the trained attribution tagger, where the rules found none.

The rules read the dependency parse and are precise; the tagger (trained on PolNeAR, see
``trained.py``) marks CUE, SOURCE and CONTENT spans and finds the attributions the rules do not
know ("wants", "praised", a colon before a quotation). A tagged cue becomes a frame only when no
rule frame already covers it; its source and content are the tagged spans nearest to it in its
sentence (content may also stand in the sentence before, as in '"...," he said'), or else the
parse's subject and the rest of the sentence.
"""

from __future__ import annotations

from functools import lru_cache

from spacy.tokens import Doc, Span

from claimscope.extract.attribution import (
    _SPEAKER_ONLY_VERBS,
    Frame,
    mention_range,
    sentence_units,
)
from claimscope.extract.nlp import text_of

SPANS_KEY = "cs_attribution"


def tagged_frames(doc: Doc, frames: list[Frame]) -> list[Frame]:
    if SPANS_KEY not in doc.spans:
        return []
    spans = list(doc.spans[SPANS_KEY])
    cues = [s for s in spans if s.label_ == "CUE"]
    sources = [s for s in spans if s.label_ == "SOURCE"]
    contents = [s for s in spans if s.label_ == "CONTENT"]
    units = sentence_units(doc)
    new: list[Frame] = []
    for cue in cues:
        if _covered(cue, frames):
            continue
        unit = next((u for u in units if u.start <= cue.start < u.end), None)
        if unit is None:
            continue
        frame = _frame(doc, cue, unit, units, sources, contents)
        if frame is not None and _acceptable(doc, frame, frames + new):
            new.append(frame)
    return new


# Cues that mark a relay or a refusal, not a statement: "citing X", "declined to comment".
_NOT_STATEMENTS = {"cite", "decline", "refuse"}
_MAX_SOURCE_TOKENS = 12


def _acceptable(doc: Doc, frame: Frame, others: list[Frame]) -> bool:
    if frame.cue_lemma in _NOT_STATEMENTS or frame.cue_lemma in _event_verbs():
        return False  # "warplanes bombed the city", "the army seized the town": acts, not speech
    if frame.cue_lemma in _SPEAKER_ONLY_VERBS and frame.source is None:
        return False  # no speaker: "This information further emphasizes ..." is analysis
    if frame.source is not None and frame.source[1] - frame.source[0] > _MAX_SOURCE_TOKENS:
        return False
    if len(_words(doc, frame.content)) < 2:
        return False  # "asked about them": a lone word is an object, not what was said
    if doc[frame.cue[0]:frame.cue[1]].root.pos_ == "ADV":
        return False  # "reportedly": a hedge on the outlet's own statement (claims.py), not a cue
    if any(_holds_speaker(doc, frame.content, other) for other in others):
        return False  # "released a video in which a man ... said": the content is a speaker
    start, end = frame.content
    for other in others:
        overlap = min(end, other.content[1]) - max(start, other.content[0])
        if overlap > 0.5 * (end - start):
            return False  # the rules already attribute this content
    return True


@lru_cache(maxsize=1)
def _event_verbs() -> frozenset[str]:
    """Verbs that name conflict events in the ontology, minus those that are also ways of
    speaking ("claim", "deny", "report" never appear there)."""
    from claimscope.extract.ontology import load_ontology

    return frozenset().union(*(kind.verbs for kind in load_ontology().kinds)) - _SPEECH_TOO


_SPEECH_TOO = frozenset({"agree", "protest", "warn", "meet", "sign", "call", "attack"})


def _covered(cue: Span, frames: list[Frame]) -> bool:
    """A cue a rule frame already has, or one inside a rule frame's content or source."""
    for frame in frames:
        if frame.cue[0] <= cue.start < frame.cue[1] or cue.start <= frame.cue[0] < cue.end:
            return True
        if frame.content[0] <= cue.start_char < frame.content[1]:
            return True
        if frame.source and frame.source[0] <= cue.start < frame.source[1]:
            return True
    return False


def _frame(doc: Doc, cue: Span, unit: Span, units: list[Span], sources: list[Span],
           contents: list[Span]) -> Frame | None:
    source = _nearest([s for s in sources if unit.start <= s.start < unit.end], cue)
    index = units.index(unit)
    window_start = units[index - 1].start if index else unit.start
    content = _nearest([c for c in contents if window_start <= c.start < unit.end
                        and not (c.start <= cue.start < c.end)], cue)
    if source is None and content is None:
        return None  # a lone tagged cue is too often a false alarm
    if content is None:
        content_range = _rest_of(unit, cue, source)
    else:
        content_range = (content.start_char, content.end_char)
    if content_range is None or content_range[1] - content_range[0] < 3:
        return None
    source_range = None
    if source is not None:
        source_range = mention_range(doc, (source.start, source.end))
    lemma = cue.root.lemma_.lower() if cue.text.strip() not in {":", "―", "—"} else ":"
    frame = Frame(cue=(cue.start, cue.end), cue_lemma=lemma, content=_strip(doc, content_range),
                  source=source_range,
                  negated=any(c.dep_ == "neg" for c in cue.root.children), cue_char=cue.start_char,
                  tagged=True)
    return frame


def _holds_speaker(doc: Doc, content: tuple[int, int], other: Frame) -> bool:
    """``content`` holds the source of another frame whose cue lies outside it: the span is
    that speaker's description, not something said (a nested "X said Y claimed Z" keeps
    Y's cue inside X's content)."""
    if other.source is None:
        return False
    start, end = content
    source_start = doc[other.source[0]].idx
    cue_start = doc[other.cue[0]].idx
    return start <= source_start < end and not start <= cue_start < end


def _words(doc: Doc, char_range: tuple[int, int]) -> list[str]:
    start, end = char_range
    return [w for w in text_of(doc)[start:end].split() if any(ch.isalnum() for ch in w)]


def _nearest(spans: list[Span], cue: Span) -> Span | None:
    if not spans:
        return None
    return min(spans, key=lambda s: min(abs(s.start - cue.end), abs(cue.start - s.end)))


def _rest_of(unit: Span, cue: Span, source: Span | None) -> tuple[int, int] | None:
    """The larger side of the sentence around the cue and its source."""
    left_end = min(cue.start, source.start) if source is not None else cue.start
    right_start = max(cue.end, source.end) if source is not None else cue.end
    left = (unit.start_char, unit.doc[left_end].idx) if left_end > unit.start else None
    right = (unit.doc[right_start].idx, unit.end_char) if right_start < unit.end else None
    sides = [side for side in (left, right) if side is not None]
    return max(sides, key=lambda r: r[1] - r[0]) if sides else None


def _strip(doc: Doc, char_range: tuple[int, int]) -> tuple[int, int]:
    text = text_of(doc)
    start, end = char_range
    while start < end and text[start] in " \n\t,;:":
        start += 1
    while end > start and text[end - 1] in " \n\t,;:.":
        end -= 1
    return start, end
