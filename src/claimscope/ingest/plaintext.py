"""Plain text saved from a news page: headline, byline, date, section, teasers and body.

The header is read from the sequence of line kinds (layout.py): bylines, dates, tags and
furniture mark it; the body starts at the first running-text line that is not a teaser.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from claimscope.ingest.checks import detect_language
from claimscope.ingest.dates import DateInfo
from claimscope.ingest.ids import fingerprint, id_from, outlet_from_url
from claimscope.ingest.layout import (
    BYLINE,
    DATE,
    FURNITURE,
    MARKERS,
    PROSE,
    SHORT,
    URL,
    Line,
    classify,
    ends_sentence,
    is_tag,
    split_lines,
    strip_heading,
)
from claimscope.records import Article

_MAX_TEASERS = 3
# Headings of link boxes ("Most read", "Related stories"): the lines under them are headlines.
_LINK_LIST = re.compile(
    r"^(most\s+(read|popular|viewed|shared)|related(\s+\w+)?|recommended(\s+for\s+you)?|"
    r"top\s+stories|more\s+stories|latest(\s+news|\s+stories)?|you\s+may\s+also\s+like|"
    r"see\s+also|read\s+more|more\s+on\s+this\s+\w+)\s*:?$",
    re.IGNORECASE,
)
_MAX_HEADLINE_WORDS = 20
_TEASER_OVERLAP = 0.8
_MIN_OVERLAP_TOKENS = 5  # below this, token overlap proves nothing; only a prefix counts
_SENTENCE_END = re.compile(r"(?<=[.!?\u2026])[\"'\u201d\u2019)\]]*\s+")
_TOKEN = re.compile(r"\w+")


@dataclass(slots=True)
class _Meta:
    author: str | None = None
    date: DateInfo | None = None
    section: str | None = None
    url: str | None = None
    dropped: list[str] = field(default_factory=list)

    def take(self, line: Line) -> None:
        """Fill what is still unknown from a metadata line (the first one wins)."""
        if line.byline is not None and self.author is None:
            self.author = line.byline.author
        if line.date is not None and self.date is None:
            self.date = line.date
        if line.url is not None and self.url is None:
            self.url = line.url


def parse_plain_article(
    text: str, *, url: str | None = None, origin_path: str | None = None
) -> Article:
    """An Article from text copied out of a web page (never raises on odd layouts)."""
    seen: set[str] = set()
    title, lines = _take_title(split_lines(text), seen)
    start, teaser_at = _split_head(lines)
    meta = _Meta(url=url)
    candidates = _read_head(lines[:start], teaser_at, meta)
    paragraphs = _read_body(lines[start:], meta)
    if not paragraphs and candidates:
        paragraphs, candidates = candidates, []  # the only running text is the body
    if not paragraphs and title is not None and _is_lone_paragraph(title, lines):
        paragraphs, title = [title], None  # a single paragraph of text, not a headline
    teasers, paragraphs = _drop_repeats(candidates, paragraphs, meta)
    body = "\n\n".join(paragraphs)
    body_fingerprint = fingerprint(body)
    date = meta.date
    return Article(
        id=id_from(meta.url, body_fingerprint),
        text=body,
        title=title,
        url=meta.url,
        outlet=outlet_from_url(meta.url),
        author=meta.author,
        published=date.value if date else None,
        published_text=date.text if date else None,
        published_zone=date.zone if date else None,
        published_precision=date.precision if date else None,
        section=meta.section,
        lang=detect_language(body) or "en",
        fingerprint=body_fingerprint,
        origin_path=origin_path,
        teasers=tuple(teasers),
        dropped=tuple(meta.dropped),
    )


def body_paragraphs(lines: list[str], *, title: str | None = None) -> tuple[list[str], list[str]]:
    """Paragraphs of an already extracted body (one per line) and the lines dropped from it:
    subheads, furniture and repeats, by the same rules as for saved text."""
    seen = {" ".join(title.lower().split())} if title else set()
    meta = _Meta()
    kept = [classify(line.strip(), 0, seen) for line in lines if line.strip()]
    return _read_body(kept, meta), meta.dropped


def _take_title(raw: list[tuple[str, int]], seen: set[str]) -> tuple[str | None, list[Line]]:
    """The first line that is not furniture is the headline; the rest are classified."""
    lines: list[Line] = []
    title = None
    looking = True
    for text, block in raw:
        line = classify(text, block, seen)
        if looking and line.kind not in (FURNITURE, URL):
            looking = False
            if not _is_paragraph(text):
                title = strip_heading(text)
                continue
        lines.append(line)
    return title, lines


def _is_paragraph(text: str) -> bool:
    # Headlines are short and rarely end like a sentence: a long sentence first means the
    # text has no headline and starts with its body.
    return ends_sentence(text) and len(text.split()) > _MAX_HEADLINE_WORDS


def _split_head(lines: list[Line]) -> tuple[int, list[int]]:
    """Index of the first body line, and the indices of teaser lines in the header."""
    teasers: list[int] = []
    for index, line in enumerate(lines):
        if line.kind in MARKERS or line.kind == SHORT:
            continue
        if len(teasers) < _MAX_TEASERS and _is_teaser(lines, index):
            teasers.append(index)
            continue
        return index, teasers
    return len(lines), teasers


def _is_teaser(lines: list[Line], index: int) -> bool:
    # Running text stands in the header when header lines follow it: a standfirst above the
    # byline or date, or a summary set in the same block as a credit or tag with more
    # furniture right after it. Otherwise the body has begun.
    line = lines[index]
    following = lines[index + 1] if index + 1 < len(lines) else None
    if following is None:
        return False
    if following.kind in (BYLINE, DATE):
        return True
    previous = lines[index - 1] if index else None
    glued = previous is not None and previous.block == line.block
    return glued and following.kind in MARKERS


def _read_head(head: list[Line], teaser_at: list[int], meta: _Meta) -> list[str]:
    candidates = []
    for index, line in enumerate(head):
        if index in teaser_at:
            candidates.append(line.text)
        elif line.kind in (BYLINE, DATE, URL):
            meta.take(line)
        elif line.kind == SHORT and meta.section is None and is_tag(line.text):
            meta.section = line.text
        else:
            meta.dropped.append(line.text)  # furniture, repeats, kickers
    return candidates


def _read_body(body: list[Line], meta: _Meta) -> list[str]:
    """Running-text paragraphs; subheads, trailing tags and furniture go to ``dropped``."""
    paragraphs = []
    list_block = None  # the block of a "Most read" / "Related" box: its headlines are links
    for line in body:
        if line.kind == FURNITURE and _LINK_LIST.match(line.text.strip()):
            list_block = line.block
        if line.block == list_block and not ends_sentence(line.text):
            meta.dropped.append(line.text)
            continue
        if line.kind == PROSE:
            paragraphs.append(line.text)
            continue
        if line.kind in (BYLINE, DATE, URL):  # a byline or date set below the article
            meta.take(line)
        meta.dropped.append(line.text)
    return paragraphs


def _is_lone_paragraph(title: str, lines: list[Line]) -> bool:
    return not any(line.kind == PROSE for line in lines) and len(title.split()) > 12


def _drop_repeats(
    candidates: list[str], paragraphs: list[str], meta: _Meta
) -> tuple[list[str], list[str]]:
    """Teasers that repeat a body sentence are dropped (the body keeps it once), others kept;
    so is a one-sentence first paragraph that a later sentence repeats (a standfirst)."""
    lead_repeat = len(paragraphs) > 1 and _is_one_sentence(paragraphs[0])
    if not candidates and not lead_repeat:
        return [], paragraphs
    per_paragraph = [_sentences(paragraph) for paragraph in paragraphs]
    if lead_repeat and _repeats(paragraphs[0], [s for ss in per_paragraph[1:] for s in ss]):
        meta.dropped.append(paragraphs[0])
        paragraphs, per_paragraph = paragraphs[1:], per_paragraph[1:]
    sentences = [sentence for group in per_paragraph for sentence in group]
    kept = []
    for teaser in candidates:
        if _repeats(teaser, sentences):
            meta.dropped.append(teaser)
        else:
            kept.append(teaser)
    return kept, paragraphs


def _is_one_sentence(paragraph: str) -> bool:
    return _SENTENCE_END.search(paragraph.rstrip()) is None


def _sentences(paragraph: str) -> list[tuple[list[str], set[str]]]:
    """Each sentence's tokens, as a list (for prefixes) and a set (for overlap)."""
    result = []
    for sentence in _SENTENCE_END.split(paragraph):
        tokens = _tokens(sentence)
        if tokens:
            result.append((tokens, set(tokens)))
    return result


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.lower())


def _repeats(text: str, sentences: list[tuple[list[str], set[str]]]) -> bool:
    """True when ``text`` is a prefix of a sentence or shares 80% of its words with one."""
    tokens = _tokens(text)
    if not tokens:
        return False
    wanted = set(tokens)
    for sentence, vocabulary in sentences:
        if sentence[: len(tokens)] == tokens:
            return True
        if len(wanted) >= _MIN_OVERLAP_TOKENS:
            shared = len(wanted & vocabulary)
            if shared >= _TEASER_OVERLAP * max(len(wanted), len(vocabulary)):
                return True
    return False
