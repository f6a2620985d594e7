"""Coded errors: every rejected input item carries one of these codes and a one-line reason."""

from __future__ import annotations

from enum import StrEnum


class Code(StrEnum):
    EMPTY = "E001"  # nothing but whitespace
    BINARY = "E002"  # NUL bytes or mostly non-text bytes
    TOO_LARGE = "E003"  # over the size limit
    UNDECODABLE = "E004"  # no encoding gives readable text
    NOT_ENGLISH = "E005"  # the extractor is English-only
    NO_MAIN_TEXT = "E006"  # HTML with no extractable article body
    BAD_JSON = "E007"  # a JSONL line that is not a JSON object with text
    UNREADABLE = "E008"  # the path cannot be opened
    EXTRACT_FAILED = "E009"  # the extractor raised on this item (a bug: please report it)
    UNSUPPORTED = "E010"  # a file type we do not read
    RESOLVE_FAILED = "E011"  # naming actors or geocoding raised; events are kept unresolved
    FETCH_FAILED = "E012"  # network error, timeout, HTTP error status, too many redirects
    BLOCKED_ADDRESS = "E013"  # the URL resolves to a private, loopback or link-local address
    ROBOTS_DISALLOWED = "E014"  # the site's robots.txt disallows the URL for our user agent
    BAD_CONTENT_TYPE = "E015"  # a response that is not a page or a feed we read
    BAD_FEED = "E016"  # a feed that does not parse as RSS or Atom
    BAD_URL = "E017"  # not an absolute http(s) URL
    BAD_ARCHIVE = "E018"  # a corrupt WARC, compressed or Parquet stream; the rest of it is lost


MESSAGES = {
    Code.EMPTY: "the item is empty",
    Code.BINARY: "the item looks binary, not text",
    Code.TOO_LARGE: "the item is larger than the limit",
    Code.UNDECODABLE: "the item's bytes do not decode to readable text",
    Code.NOT_ENGLISH: "the text is not in English",
    Code.NO_MAIN_TEXT: "no main article text found in the HTML",
    Code.BAD_JSON: "the line is not a JSON object with a text field",
    Code.UNREADABLE: "the path cannot be read",
    Code.EXTRACT_FAILED: "extraction failed on this item",
    Code.UNSUPPORTED: "unsupported file type",
    Code.RESOLVE_FAILED: "resolving the events' actors and places failed; events stored unresolved",
    Code.FETCH_FAILED: "the URL could not be fetched",
    Code.BLOCKED_ADDRESS: "the URL points at a private, loopback or link-local address (refused)",
    Code.ROBOTS_DISALLOWED: "the site's robots.txt disallows this URL",
    Code.BAD_CONTENT_TYPE: "the response is not a page or feed claimscope reads",
    Code.BAD_FEED: "the feed does not parse as RSS or Atom",
    Code.BAD_URL: "not an absolute http(s) URL",
    Code.BAD_ARCHIVE: "the archive or compressed stream is corrupt; records after this point are lost",
}


class ClaimscopeError(Exception):
    """Raised for a user's mistake; the CLI prints it as one line, never a traceback."""

    def __init__(self, code: Code, detail: str = "") -> None:
        self.code = code
        self.detail = detail
        message = MESSAGES[code] + (f": {detail}" if detail else "")
        super().__init__(f"[{code.value}] {message}")
