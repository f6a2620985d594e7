"""Turn a parsed article into Claim records: attributed claims, the outlet's own statements,
analysis, and headline or teaser claims marked as such.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime

from spacy.tokens import Doc, Span

from claimscope.extract import lexicon
from claimscope.extract.nlp import text_of
from claimscope.extract.attribution import Frame, find_frames, sentence_units
from claimscope.extract.certainty import Wording, decide
from claimscope.extract.figures import find_figures
from claimscope.extract.sources import SpeakerMemory, make_source, notice_actor
from claimscope.extract.temporal import find_times
from claimscope.records import (
    Article,
    ChainLink,
    Claim,
    ClaimKind,
    Origin,
    Source,
    SourceType,
    TextSpan,
)

# Extractor confidence by how a claim was found (calibrated by eye on the golden cases; the
# attribution benchmark measures the real precision).
CONFIDENCE_VERB_FRAME = 0.85
CONFIDENCE_PRONOUN = 0.75
CONFIDENCE_QUOTE_CONTINUATION = 0.7
CONFIDENCE_OUTLET = 0.6
CONFIDENCE_TAGGED = 0.55  # the tagger's cue precision on PolNeAR dev is about 0.7
MIN_OUTLET_WORDS = 5

_CHANNEL_NOTE = re.compile(
    r"^(this|these|the|that)\s+(information|claims?|remarks?|comments?|video|post|statement|"
    r"footage|account|message|recording|conversation)\b[^.]*?\b(shared|posted|published|"
    r"circulated|broadcast|released|uploaded)\s+(on|by|via|to)\s+([^,.;]+)",
    re.I,
)


_RELAY_NOTE = re.compile(
    r"^(this|these|the|that)\s+(claims?|reports?|statements?|video|post|figures?|account|"
    r"remarks?|comments?|footage)\s+(was|were|has been|have been)\s+(later\s+|also\s+|widely\s+)?"
    r"(relayed|repeated|reported|picked up|cited|carried|broadcast|shared|amplified|quoted)\s+by\s+([^,.;]+)",
    re.I,
)


def claims_from_doc(doc: Doc, article: Article, *, field: str = "text",
                    origin: Origin = Origin.BODY, offset: int = 0,
                    memory: SpeakerMemory | None = None) -> list[Claim]:
    memory = memory or SpeakerMemory()
    published = article.published
    outlet_source = Source(article.outlet or "the outlet", SourceType.OUTLET, None)
    units = sentence_units(doc)
    frames = find_frames(doc)
    disclaimed = _disclaimed_ranges(doc, units)
    claims: list[Claim] = []
    for unit in units:
        # In text order, so pronouns point back to speakers and actors already met.
        for frame in (f for f in frames if unit.start_char <= f.cue_char < unit.end_char):
            claims.append(_attributed_claim(doc, frame, article, memory, outlet_source, disclaimed,
                                            field=field, origin=origin, offset=offset))
        notice_actor(doc, unit, memory, field_name=field, offset=offset)
    for unit in units:
        if _is_meta(unit) or _RELAY_NOTE.match(unit.text.strip()):
            continue
        for part in _uncovered_parts(doc, unit, frames):
            claim = _outlet_claim(doc, part, article, outlet_source, disclaimed, published,
                                  field=field, origin=origin, offset=offset)
            if claim is not None:
                claims.append(claim)
    claims = _attach_channel_notes(doc, units, claims)
    return _dedupe(sorted(claims, key=lambda c: c.content.start))


# --- attributed claims ----------------------------------------------------------------------


def _attributed_claim(doc: Doc, frame: Frame, article: Article, memory: SpeakerMemory,
                      outlet_source: Source, disclaimed: list[tuple[int, int]], *, field: str,
                      origin: Origin, offset: int) -> Claim:
    speaker = (make_source(doc, frame.source, memory, field_name=field, offset=offset)
               if frame.source else outlet_source)
    if frame.anonymous:
        speaker = replace(speaker, type=SourceType.OFFICIAL_ANONYMOUS)
    chain: list[ChainLink] = []
    relay_only = False
    source = speaker
    if frame.cited is not None:
        cited = make_source(doc, frame.cited, memory, field_name=field, offset=offset)
        chain.append(ChainLink("source", cited.name, cited.span))
        chain.append(ChainLink("intermediary", speaker.name, speaker.span))
        source, relay_only = cited, True
    elif frame.source is not None:
        chain.append(ChainLink("source", speaker.name, speaker.span))
    chain += _relay_links(doc, frame, field, offset)
    if frame.via is not None and frame.via.source is not None:
        relay = make_source(doc, frame.via.source, memory, field_name=field, offset=offset)
        if _origin_behind(frame, frame.via):
            # "X, citing Y, reported that ..., according to Z": Z is where it comes from; X and Y
            # passed it on.
            chain = [ChainLink("source", relay.name, relay.span)] + [
                replace(link, role="intermediary") if link.role == "source" else link for link in chain]
            source, relay_only = relay, True
        else:
            chain.append(ChainLink("intermediary", relay.name, relay.span))
        chain += _relay_links(doc, frame.via, field, offset)
    platform = _platform(source)
    if platform and not any(platform in link.name for link in chain if link.role == "channel"):
        chain.insert(1, ChainLink("channel", platform, None))
    chain.append(ChainLink("outlet", outlet_source.name))
    chain = list(dict.fromkeys(chain))  # a channel shared by a relay and its source shows once

    content_chars = frame.content
    content_span = doc.char_span(*content_chars, alignment_mode="expand")
    sentence = content_span.sent if content_span is not None else doc[frame.cue[0]].sent
    cue_token = doc[frame.cue[0]]
    clause_lemmas = _lemmas(content_span) | {c.lemma_.lower() for c in cue_token.children if c.dep_ in {"advmod", "aux", "neg"}}
    wording = Wording(
        clause_lemmas=frozenset(clause_lemmas),
        clause_text=sentence.text.lower(),
        cue_lemma=frame.cue_lemma if frame.source or frame.cue_lemma != "say" else frame.cue_lemma,
        negated=frame.negated,
        disclaimed=_in_ranges(content_chars[0], disclaimed),
        relay_only=relay_only,
    )
    if frame.passive_unsourced:
        wording = Wording(wording.clause_lemmas, wording.clause_text, "report", wording.negated,
                          wording.disclaimed, True)
    kind, conjecture = _analysis(content_span) if content_span is not None else (ClaimKind.EVENT, False)
    if conjecture:
        wording = replace(wording, conjecture=True)
    certainty = decide(wording)
    cue_chars = (doc[frame.cue[0]].idx, doc[frame.cue[1] - 1].idx + len(doc[frame.cue[1] - 1]))
    cue = TextSpan(cue_chars[0] + offset, cue_chars[1] + offset, text_of(doc)[cue_chars[0]:cue_chars[1]], field)
    content = TextSpan(content_chars[0] + offset, content_chars[1] + offset,
                       text_of(doc)[content_chars[0]:content_chars[1]], field)
    figures = find_figures(content_span, field=field, offset=offset) if content_span is not None else ()
    times = find_times(sentence, published=article.published, field=field, offset=offset)
    confidence = CONFIDENCE_VERB_FRAME
    if speaker.resolved_from is not None:
        confidence = CONFIDENCE_PRONOUN
    if frame.quote_continuation:
        confidence = CONFIDENCE_QUOTE_CONTINUATION
    if frame.tagged:
        confidence = CONFIDENCE_TAGGED
    return Claim(
        id=_claim_id(article.id, content), article_id=article.id, content=content, source=source,
        cue=cue, certainty=certainty, kind=kind, chain=tuple(chain),
        channel=next((link.name for link in chain if link.role == "channel"), None),
        figures=figures, times=times, origin=origin, confidence=confidence,
    )


def _origin_behind(frame: Frame, via: Frame) -> bool:
    """A trailing "according to Z" on a relayed report names the report's origin."""
    return via.cue_lemma == "according to" and via.cue_char > frame.cue_char and (
        frame.cited is not None or frame.cue_lemma in {"report", "say", "write", "cite"})


def _relay_links(doc: Doc, frame: Frame, field: str, offset: int) -> list[ChainLink]:
    """Channels ('in a video address', 'told Reuters') and intermediaries ('cited by TASS')."""
    links = []
    for token_range in frame.channel:
        channel = _text_span(doc, token_range, field, offset)
        links.append(ChainLink("channel", _channel_phrase(doc, channel, offset), channel))
    if frame.told is not None:
        listener = _text_span(doc, frame.told, field, offset)
        links.append(ChainLink("channel", f"{doc[frame.cue[0]].text} {listener.text}", listener))
    if frame.relay is not None:
        relay = _text_span(doc, frame.relay, field, offset)
        links.append(ChainLink("intermediary", relay.text, relay))
    return links


def _platform(source: Source) -> str | None:
    """A social-media speaker's platform is its channel: 'a Telegram channel close to Wagner'."""
    if source.type is not SourceType.SOCIAL_MEDIA:
        return None
    words = f"{source.span.text if source.span else ''} {source.description or ''} {source.name}"
    match = re.search(r"\b(Telegram|X|Twitter|Facebook|TikTok|YouTube|VK|VKontakte|Instagram)\b", words)
    return match.group(1) if match else None


def _channel_phrase(doc: Doc, channel: TextSpan, offset: int) -> str:
    """The channel with its preposition: 'in a conversation with another mercenary'."""
    span = doc.char_span(channel.start - offset, channel.end - offset, alignment_mode="expand")
    if span is None:
        return channel.text
    head = span.root.head
    if head.dep_ == "prep":
        return doc[head.i : span.end].text
    return channel.text


# --- the outlet's own statements --------------------------------------------------------------


def _outlet_claim(doc: Doc, unit: Span, article: Article, outlet_source: Source,
                  disclaimed: list[tuple[int, int]], published: datetime | None, *, field: str,
                  origin: Origin, offset: int) -> Claim | None:
    words = [t for t in unit if t.is_alpha]
    if len(words) < MIN_OUTLET_WORDS and origin is Origin.BODY:
        return None
    if not any(t.pos_ in {"VERB", "AUX"} for t in unit):
        return None
    kind, conjecture = _analysis(unit)
    content_span = unit if kind is ClaimKind.ANALYSIS else _without_commentary(unit)
    chars = _trimmed_chars(doc, content_span)
    lemmas = _lemmas(content_span)
    wording = Wording(frozenset(lemmas), unit.text.lower(), None, disclaimed=_in_ranges(chars[0], disclaimed),
                      conjecture=conjecture)
    certainty = decide(wording)
    content = TextSpan(chars[0] + offset, chars[1] + offset, text_of(doc)[chars[0]:chars[1]], field)
    figures = find_figures(content_span, field=field, offset=offset) if kind is ClaimKind.EVENT else ()
    times = find_times(unit, published=published, field=field, offset=offset)
    cue = _hedge_cue(unit, field, offset)
    return Claim(
        id=_claim_id(article.id, content), article_id=article.id, content=content,
        source=outlet_source, cue=cue, certainty=certainty, kind=kind,
        chain=(ChainLink("outlet", outlet_source.name),), figures=figures, times=times,
        origin=origin, confidence=CONFIDENCE_OUTLET,
    )


def _analysis(unit: Span) -> tuple[ClaimKind, bool]:
    """(kind, conjecture): interpretive main verbs make analysis; a conjecture phrase, or a
    modal on an interpretive verb ("may also reflect"), makes it speculative as well. A modal
    on an event verb ("may have lost 500 troops") stays an event, hedged as an estimate."""
    text = unit.text.lower()
    root = unit.root
    interpretive = root.lemma_.lower() in lexicon.ANALYSIS_VERBS | lexicon.CONJECTURE_VERBS
    modal = any(c.lower_ in {"may", "might", "could"} for c in root.children if c.dep_ == "aux")
    conjecture = any(p in text for p in lexicon.CONJECTURE_PHRASES) or (modal and interpretive)
    if root.lemma_.lower() in lexicon.ANALYSIS_VERBS or conjecture:
        return ClaimKind.ANALYSIS, True  # interpretation, never a factual event claim
    return ClaimKind.EVENT, False


def _without_commentary(unit: Span) -> Span:
    """Drop a trailing participle of interpretation: '..., highlighting low morale'."""
    for token in unit:
        if token.tag_ == "VBG" and token.lemma_.lower() in lexicon.ANALYSIS_VERBS and token.i > unit.start + 3:
            start = token.left_edge.i
            if unit.doc[start - 1].text == ",":
                start -= 1
            return unit.doc[unit.start : start]
    return unit


def _hedge_cue(unit: Span, field: str, offset: int) -> TextSpan | None:
    for token in unit:
        if token.lower_ in {"reportedly", "allegedly", "purportedly", "apparently", "supposedly"}:
            return TextSpan(token.idx + offset, token.idx + len(token) + offset, token.text, field)
    return None


def _is_meta(unit: Span) -> bool:
    """A verification disclaimer is a note on other claims, not a claim of its own."""
    text = unit.text.lower()
    return any(phrase in text for phrase in lexicon.UNVERIFIED_PHRASES) and len(unit) < 25


# --- helpers ----------------------------------------------------------------------------------


def _disclaimed_ranges(doc: Doc, units: list[Span]) -> list[tuple[int, int]]:
    """Character ranges a disclaimer covers: its own sentence and, for a closing disclaimer
    ("The figures could not be independently verified"), the paragraph before it."""
    ranges = []
    for unit in units:
        text = unit.text.lower()
        if not any(phrase in text for phrase in lexicon.UNVERIFIED_PHRASES):
            continue
        paragraph_start = text_of(doc).rfind("\n\n", 0, unit.start_char)
        paragraph_start = 0 if paragraph_start == -1 else paragraph_start
        if unit.start_char - paragraph_start < 3:  # the disclaimer opens its paragraph
            previous = text_of(doc).rfind("\n\n", 0, max(paragraph_start - 1, 0))
            paragraph_start = 0 if previous == -1 else previous
        ranges.append((paragraph_start, unit.end_char))
    return ranges


def _in_ranges(position: int, ranges: list[tuple[int, int]]) -> bool:
    return any(start <= position < end for start, end in ranges)


def _uncovered_parts(doc: Doc, unit: Span, frames: list[Frame]) -> list[Span]:
    """The sentence, or what is left of it before and after its attributions: in "X has been
    ruled by a junta, but armed groups are estimated to hold 40 percent" the first clause is
    the outlet's own statement."""
    ranges = []
    for frame in frames:
        cue_end = doc[frame.cue[1] - 1].idx + len(doc[frame.cue[1] - 1])
        points = [frame.content[0], frame.content[1], frame.cue_char, cue_end]
        if frame.source is not None:
            points += [doc[frame.source[0]].idx, doc[frame.source[1] - 1].idx + len(doc[frame.source[1] - 1])]
        start, end = min(points), max(points)
        if start < unit.end_char and unit.start_char < end:
            ranges.append((start, end))
    if not ranges:
        return [unit]
    covered_start = min(r[0] for r in ranges)
    covered_end = max(r[1] for r in ranges)
    parts = []
    for start, end in ((unit.start_char, covered_start), (covered_end, unit.end_char)):
        part = doc.char_span(start, end, alignment_mode="contract")
        if part is not None and _is_clause(part):
            parts.append(_strip_joiners(part))
    return parts


def _is_clause(part: Span) -> bool:
    has_subject = any(t.dep_ in {"nsubj", "nsubjpass"} for t in part)
    has_verb = any(t.pos_ in {"VERB", "AUX"} and t.dep_ in {"ROOT", "conj", "ccomp", "advcl"} for t in part)
    return has_subject and has_verb and sum(t.is_alpha for t in part) >= MIN_OUTLET_WORDS


def _strip_joiners(part: Span) -> Span:
    """Drop a dangling ', but' or 'and' left where an attribution was cut off."""
    start, end = part.start, part.end
    while end > start and (part.doc[end - 1].is_punct or part.doc[end - 1].dep_ == "cc"):
        end -= 1
    while start < end and (part.doc[start].is_punct or part.doc[start].dep_ == "cc"):
        start += 1
    return part.doc[start:end]


def _lemmas(span: Span | None) -> set[str]:
    return {t.lemma_.lower() for t in span} if span is not None else set()


def _trimmed_chars(doc: Doc, span: Span) -> tuple[int, int]:
    start, end = span.start_char, span.end_char
    text = text_of(doc)
    while end > start and text[end - 1] in " \n\t,.;:":
        end -= 1
    while start < end and text[start] in " \n\t":
        start += 1
    return start, end


def _text_span(doc: Doc, token_range: tuple[int, int], field: str, offset: int) -> TextSpan:
    span = doc[token_range[0] : token_range[1]]
    return TextSpan(span.start_char + offset, span.end_char + offset, span.text, field)


def _claim_id(article_id: str, content: TextSpan) -> str:
    return f"{article_id}:{content.field[0]}{content.start}-{content.end}"


def _attach_channel_notes(doc: Doc, units: list[Span], claims: list[Claim]) -> list[Claim]:
    """Notes on the claim before: 'This information, shared on social media, ...' names its
    channel; 'The claim was relayed by RIA Novosti' an intermediary."""
    updated = list(claims)
    for unit in units:
        text = unit.text.strip()
        channel = _CHANNEL_NOTE.match(text)
        relay = _RELAY_NOTE.match(text)
        if not (channel or relay):
            continue
        before = [i for i, c in enumerate(updated) if c.content.end <= unit.start_char and c.source.type is not SourceType.OUTLET]
        if not before:
            continue
        claim = updated[before[-1]]
        chain = list(claim.chain)
        if channel:
            name = f"{channel.group(3).lower()} {channel.group(4)} {channel.group(5).strip()}"
            chain.insert(len(chain) - 1, ChainLink("channel", name, None))
            claim = replace(claim, chain=tuple(chain), channel=claim.channel or name)
        else:
            chain.insert(len(chain) - 1, ChainLink("intermediary", _strip_article(relay.group(6)), None))
            claim = replace(claim, chain=tuple(chain))
        updated[before[-1]] = claim
    return updated


def _strip_article(phrase: str) -> str:
    return re.sub(r"^(the|a|an)\s+", "", phrase.strip(), flags=re.I)


def _dedupe(claims: list[Claim]) -> list[Claim]:
    """A restatement in the same article is one claim unless it changes what is said."""
    kept: list[Claim] = []
    seen: set[tuple] = set()
    for claim in claims:
        key = (re.sub(r"\W+", " ", claim.content.text.lower()).strip(), claim.source.name)
        if key in seen:
            continue
        seen.add(key)
        kept.append(claim)
    return kept
