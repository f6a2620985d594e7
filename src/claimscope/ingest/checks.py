"""Byte-level checks and robust decoding, plus the English-only language gate.

Saved news pages arrive in every encoding, sometimes several in one file (UTF-8 text with
Windows smart quotes pasted in), so decoding falls back line by line and never drops bytes.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from claimscope.errors import MESSAGES, Code
from claimscope.records import Rejected

# Bytes that never occur in text files (everything below 0x20 except tab, LF, VT, FF, CR, ESC).
_CONTROL = bytes(b for b in range(32) if b not in b"\t\n\x0b\x0c\r\x1b") + b"\x7f"
_MAX_CONTROL_SHARE = 0.05
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE: its BOM starts with the same 2 bytes
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
MIN_LETTERS_FOR_LANG = 200
_LANG_SAMPLE = 1500
_LETTER = re.compile(r"[^\W\d_]")
_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")
# Very common English function words. English news prose has 30-45% of them; other languages
# a few percent. A clear majority skips langdetect, which costs ~5 ms per call.
# fmt: off
_EN_WORDS = frozenset({
    "the", "of", "and", "to", "in", "a", "is", "that", "for", "on", "was", "with", "as", "by",
    "at", "from", "it", "its", "his", "her", "he", "she", "they", "their", "said", "were", "be",
    "has", "have", "had", "are", "an", "this", "which", "not", "been", "will", "would", "who",
    "after", "but",
})
# fmt: on
_EN_FAST_SHARE = 0.25


@dataclass(frozen=True, slots=True)
class Problem:
    """Why an item is refused: an error code and a one-line reason."""

    code: Code
    reason: str

    def rejected(self, item: str) -> Rejected:
        return Rejected(item=item, stage="ingest", code=self.code.value, reason=self.reason)


def problem(code: Code, detail: str = "") -> Problem:
    return Problem(code, MESSAGES[code] + (f": {detail}" if detail else ""))


def check_size(size: int, *, max_bytes: int) -> Problem | None:
    """Refuse an item by its size alone, so a huge file is never read."""
    if size > max_bytes:
        return problem(Code.TOO_LARGE, f"{size:,} bytes > {max_bytes:,}")
    return None


def check_bytes(data: bytes, *, max_bytes: int) -> str | Problem:
    """Decoded text, or the Problem that stops it (empty, binary, too large, undecodable)."""
    too_large = check_size(len(data), max_bytes=max_bytes)
    if too_large:
        return too_large
    if not data.strip():
        return problem(Code.EMPTY)
    text = _decode_unicode_bom(data)
    if isinstance(text, str) and _text_looks_binary(text):
        return problem(Code.BINARY, "mostly control characters")
    if text is None:
        if _looks_binary(data):
            return problem(Code.BINARY, _binary_detail(data))
        text = decode_mixed(data)
    if isinstance(text, Problem):
        return text
    text = text.removeprefix("\ufeff")
    if not text.strip():
        return problem(Code.EMPTY)
    return text


def _decode_unicode_bom(data: bytes) -> str | Problem | None:
    """UTF-16/32 text (with a BOM, or UTF-16 without one); None for byte-oriented encodings."""
    encoding = next((enc for bom, enc in _BOMS if data.startswith(bom)), None)
    if encoding is None:
        encoding = _bomless_utf16(data)
    if encoding is None:
        return None
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as err:
        return problem(Code.UNDECODABLE, f"invalid {encoding} at byte {err.start}")


def _bomless_utf16(data: bytes) -> str | None:
    # ASCII-heavy UTF-16 has a zero in every other byte; real binaries have them scattered.
    if len(data) < 4 or len(data) % 2 or b"\x00" not in data[:512]:
        return None
    half = len(data) // 2
    odd_zeros, even_zeros = data[1::2].count(0), data[0::2].count(0)
    if odd_zeros > 0.4 * half and even_zeros < 0.02 * half:
        return "utf-16-le"
    if even_zeros > 0.4 * half and odd_zeros < 0.02 * half:
        return "utf-16-be"
    return None


def _looks_binary(data: bytes) -> bool:
    if b"\x00" in data:
        return True
    controls = len(data) - len(data.translate(None, _CONTROL))
    return controls > _MAX_CONTROL_SHARE * len(data)


_CONTROL_CHARS = dict.fromkeys(_CONTROL)


def _text_looks_binary(text: str) -> bool:
    # UTF-16 guessed from zero bytes can be a binary file; its "text" is then control codes.
    controls = len(text) - len(text.translate(_CONTROL_CHARS))
    return controls > _MAX_CONTROL_SHARE * max(len(text), 1)


def _binary_detail(data: bytes) -> str:
    return "contains NUL bytes" if b"\x00" in data else "mostly control characters"


def decode_mixed(data: bytes) -> str | Problem:
    """UTF-8 where it is valid, else a guessed legacy encoding, decided line by line."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    lines = data.splitlines(keepends=True)
    bad = [line for line in lines if not _is_utf8(line)]
    fallback = _guess_legacy(b"".join(bad), share=sum(map(len, bad)) / len(data))
    if fallback is None:
        return problem(Code.UNDECODABLE, "no encoding gives readable text")
    return "".join(
        line.decode("utf-8") if _is_utf8(line) else _decode_line(line, fallback) for line in lines
    )


def _is_utf8(line: bytes) -> bool:
    try:
        line.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _decode_line(line: bytes, encoding: str) -> str:
    try:
        return line.decode(encoding)
    except UnicodeDecodeError:  # latin-1 maps every byte, so nothing is ever lost
        return line.decode("latin-1")


def _guess_legacy(bad: bytes, *, share: float) -> str | None:
    from charset_normalizer import from_bytes

    matches = list(from_bytes(bad))
    # Western smart quotes and accents are by far the usual stray bytes in English news;
    # charset-normalizer reports cp1252 only as an equivalent of whichever code page it names.
    if any("cp1252" in match.could_be_from_charset for match in matches):
        return "cp1252"
    if matches:
        return matches[0].encoding
    # A few stray bytes in a mostly UTF-8 file are too little for any detector to judge.
    return "cp1252" if share < 0.05 else None


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the text, or None when it has too few letters to judge."""
    sample = text[:_LANG_SAMPLE]
    words = _WORD.findall(sample.lower())
    ascii_letters = sum(map(len, words))
    if ascii_letters < MIN_LETTERS_FOR_LANG and len(_LETTER.findall(sample)) < MIN_LETTERS_FOR_LANG:
        return None
    if words and sum(map(_EN_WORDS.__contains__, words)) >= _EN_FAST_SHARE * len(words):
        return "en"
    from langdetect import DetectorFactory, LangDetectException, detect

    DetectorFactory.seed = 0  # langdetect is random by default; fixed seed, same answer
    try:
        return detect(sample)
    except LangDetectException:
        return None


def check_language(text: str) -> Problem | None:
    """E005 when a body long enough to judge is not English; short texts pass."""
    lang = detect_language(text)
    if lang is None or lang == "en":
        return None
    return problem(Code.NOT_ENGLISH, f"detected '{lang}'")
