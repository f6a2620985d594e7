"""read_items: files, directories and standard input in; Articles or coded rejections out.

Bad input never raises: every item that cannot become an Article is yielded as a Rejected
with an error code, so one broken file does not stop a batch.
"""

from __future__ import annotations

import codecs
import io
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from functools import partial
from pathlib import Path
from typing import BinaryIO, TextIO

from claimscope.errors import Code
from claimscope.ingest.checks import Problem, check_bytes, check_size, problem
from claimscope.ingest.html import parse_html
from claimscope.ingest.jsonl import parse_jsonl_line
from claimscope.ingest.plaintext import parse_plain_article
from claimscope.records import Article, Rejected

Item = Article | Rejected
PLAIN, HTML, JSONL = "plain", "html", "jsonl"
# Corpora, streamed record by record (ingest/corpora.py): the size limit is per record.
WARC, PARQUET, JSONL_GZ, JSONL_ZST = "warc", "parquet", "jsonl.gz", "jsonl.zst"
_KINDS = {
    ".txt": PLAIN,
    ".text": PLAIN,
    ".md": PLAIN,
    ".html": HTML,
    ".htm": HTML,
    ".jsonl": JSONL,
    ".ndjson": JSONL,
    ".jsonl.gz": JSONL_GZ,
    ".ndjson.gz": JSONL_GZ,
    ".jsonl.zst": JSONL_ZST,
    ".ndjson.zst": JSONL_ZST,
    ".warc": WARC,
    ".warc.gz": WARC,
    ".parquet": PARQUET,
}
_STREAMED = frozenset({JSONL, JSONL_GZ, JSONL_ZST, WARC, PARQUET})
_WIDE_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)
_LINE_SKIP_CHUNK = 1 << 20


def input_bytes(paths: Sequence[str], *, enough: int | None = None) -> int:
    """The size of the files ``read_items(paths)`` reads (standard input not counted); with
    ``enough``, the walk stops as soon as the sum reaches it."""
    total = 0
    for raw in map(os.fspath, paths):
        path = Path(raw)
        for file in (_walk(path) if path.is_dir() else [path] if raw != "-" else []):
            try:
                total += file.stat().st_size
            except OSError:
                continue
            if enough is not None and total >= enough:
                return total
    return total


class InputMeter:
    """How far reading has got through the input files, in bytes (compressed bytes for
    compressed files): a progress bar's fraction done and time left, even inside one big
    corpus file. Standard input has no size and is not counted."""

    def __init__(self, paths: Sequence[str]) -> None:
        self.total = input_bytes(paths)
        self._finished = 0
        self._open: BinaryIO | None = None

    @property
    def position(self) -> int:
        reading = self._open
        try:
            inside = reading.tell() if reading is not None and not reading.closed else 0
        except (OSError, ValueError):
            inside = 0
        return min(self._finished + inside, self.total)

    def _opened(self, handle: BinaryIO) -> None:
        self._open = handle

    def _done(self, size: int) -> None:
        self._open = None
        self._finished += size


def read_items(
    paths: Sequence[str],
    *,
    max_bytes: int = 20_000_000,
    stdin: TextIO | BinaryIO | None = None,
    meter: InputMeter | None = None,
) -> Iterator[Item]:
    """Articles from files, directories (recursive, sorted, hidden skipped) and ``-``;
    ``meter`` (made from the same ``paths``) follows the bytes read."""
    for raw in map(os.fspath, paths):  # pathlib.Path objects are welcome too
        if raw == "-":
            yield from _read_stdin(stdin, max_bytes)
        else:
            yield from _read_path(raw, max_bytes, meter)


def read_bytes(
    data: bytes, name: str, *, kind: str | None = None, max_bytes: int = 20_000_000
) -> Iterator[Item]:
    """Articles from bytes already in memory (an upload): the kind ("plain", "html", "jsonl",
    or a corpus kind such as "warc" or "jsonl.gz") from ``name``'s suffix unless given, else
    sniffed from the text; ``name`` names the items."""
    if kind is None:
        kind = _kind_of(Path(name))
    if kind in _STREAMED - {JSONL}:
        yield from _corpus(io.BytesIO(data), kind, name, max_bytes)
        return
    yield from _from_bytes(data, kind, name, max_bytes)


def _read_path(raw: str, max_bytes: int, meter: InputMeter | None = None) -> Iterator[Item]:
    path = Path(raw)
    if path.is_dir():
        for file in _walk(path):
            yield from _metered(file, max_bytes, meter)
    elif path.is_file():
        yield from _metered(path, max_bytes, meter)
    elif not path.exists():
        yield problem(Code.UNREADABLE, "no such file or directory").rejected(raw)
    else:
        yield problem(Code.UNREADABLE, "not a regular file or directory").rejected(raw)


def _walk(root: Path) -> Iterator[Path]:
    # Sorted at every level so that a batch always comes out in the same order.
    for folder, subfolders, files in os.walk(root):
        subfolders[:] = sorted(name for name in subfolders if not name.startswith("."))
        for name in sorted(files):
            if not name.startswith("."):
                yield Path(folder) / name


def _kind_of(path: Path) -> str | None:
    """The kind from the last two suffixes (``.warc.gz``, ``.jsonl.zst``), else the last one."""
    double = "".join(path.suffixes[-2:]).lower()
    return _KINDS.get(double) or _KINDS.get(path.suffix.lower())


def _metered(path: Path, max_bytes: int, meter: InputMeter | None) -> Iterator[Item]:
    if meter is None:
        yield from _read_file(path, max_bytes)
        return
    try:
        yield from _read_file(path, max_bytes, meter._opened)
    finally:
        try:
            meter._done(path.stat().st_size)
        except OSError:
            meter._done(0)


def _read_file(path: Path, max_bytes: int,
               on_open: Callable[[BinaryIO], None] | None = None) -> Iterator[Item]:
    item = str(path)
    kind = _kind_of(path)
    if kind is None:
        detail = f"'{path.suffix or path.name}' (read: {', '.join(sorted(_KINDS))})"
        yield problem(Code.UNSUPPORTED, detail).rejected(item)
        return
    try:
        size = path.stat().st_size
        if (too_large := check_size(size, max_bytes=max_bytes)) and kind not in _STREAMED:
            yield too_large.rejected(item)  # judged by size alone: the file is never read
            return
        with path.open("rb") as handle:
            if on_open is not None:
                on_open(handle)
            if kind == JSONL and not handle.peek(4)[:4].startswith(_WIDE_BOMS):
                yield from _jsonl_stream(handle, item, max_bytes)
                return
            if kind in _STREAMED - {JSONL}:
                yield from _corpus(handle, kind, item, max_bytes)
                return
            data = handle.read(max_bytes + 1)  # + 1: a file growing while read is still caught
    except OSError as err:
        yield problem(Code.UNREADABLE, err.strerror or type(err).__name__).rejected(item)
        return
    yield from _from_bytes(data, kind, item, max_bytes)


def _from_bytes(data: bytes, kind: str | None, item: str, max_bytes: int) -> Iterator[Item]:
    text = check_bytes(data, max_bytes=max_bytes)
    if isinstance(text, Problem):
        yield text.rejected(item)
        return
    kind = kind or _sniff(text)
    origin = None if item == "-" else item
    if kind == JSONL:
        for number, line in enumerate(text.splitlines(), 1):
            if line.strip():
                name = f"{item}:{number}"
                yield _guarded(name, partial(parse_jsonl_line, line, item=name, origin_path=origin))
    elif kind == HTML:
        yield _guarded(item, partial(parse_html, text, origin_path=origin))
    else:
        yield _guarded(item, partial(parse_plain_article, text, origin_path=origin))


def _corpus(handle: BinaryIO, kind: str, item: str, max_bytes: int) -> Iterator[Item]:
    """WARC, Parquet and compressed JSONL: record by record, never the whole file at once."""
    from claimscope.ingest import corpora  # imported late: warcio and pyarrow load slowly

    if kind == WARC:
        yield from corpora.read_warc(handle, item, max_bytes=max_bytes)
    elif kind == PARQUET:
        yield from corpora.read_parquet(handle, item, max_bytes=max_bytes)
    else:
        stream = corpora.decompressed(handle, "gz" if kind == JSONL_GZ else "zst")
        yield from corpora.salvage(_jsonl_records(stream, item, max_bytes), item)


def _jsonl_records(stream: BinaryIO, item: str, max_bytes: int) -> Iterator[Item]:
    """A decompressed JSONL stream: line by line, or whole (to the limit) for UTF-16/32."""
    if stream.peek(4)[:4].startswith(_WIDE_BOMS):
        yield from _from_bytes(stream.read(max_bytes + 1), JSONL, item, max_bytes)
    else:
        yield from _jsonl_stream(stream, item, max_bytes)


def _jsonl_stream(handle: BinaryIO, item: str, max_bytes: int) -> Iterator[Item]:
    """JSONL is read line by line: the size limit applies to each article, not the file."""
    for number, line in enumerate(_bounded_lines(handle, max_bytes), 1):
        if not line.strip():
            continue
        name = f"{item}:{number}"
        text = check_bytes(line, max_bytes=max_bytes)
        if isinstance(text, Problem):
            yield text.rejected(name)
        else:
            yield _guarded(name, partial(parse_jsonl_line, text, item=name, origin_path=item))


def _bounded_lines(handle: BinaryIO, max_bytes: int) -> Iterator[bytes]:
    while line := handle.readline(max_bytes + 1):
        if len(line) > max_bytes and not line.endswith(b"\n"):
            while (rest := handle.readline(_LINE_SKIP_CHUNK)) and not rest.endswith(b"\n"):
                pass  # skip the remainder of an oversized line without holding it
        yield line  # an oversized line is over the limit, so check_bytes rejects it


def _read_stdin(stdin: TextIO | BinaryIO | None, max_bytes: int) -> Iterator[Item]:
    stream = stdin if stdin is not None else sys.stdin
    source = getattr(stream, "buffer", stream)  # bytes where possible: decoding is ours
    try:
        data = source.read(max_bytes + 1)
    except (OSError, ValueError) as err:
        yield problem(Code.UNREADABLE, f"standard input ({type(err).__name__})").rejected("-")
        return
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    yield from _from_bytes(data or b"", None, "-", max_bytes)


def _sniff(text: str) -> str:
    """Standard input has no file name: markup is HTML, a JSON object per line is JSONL."""
    first = text.lstrip()[:1]
    return HTML if first == "<" else JSONL if first == "{" else PLAIN


def _guarded(item: str, parse: Callable[[], Item]) -> Item:
    """Run a parser; a bug in it rejects this item (E009) instead of ending the batch."""
    try:
        result = parse()
    except Exception as err:  # noqa: BLE001 - a parser bug must not end the batch
        detail = " ".join(f"{type(err).__name__}: {err}".split())[:200]
        return problem(Code.EXTRACT_FAILED, detail).rejected(item)
    return _accept(result, item)


def _accept(result: Item, item: str) -> Item:
    """Gate the parsed article: it must have a body, in English."""
    if isinstance(result, Rejected):
        return result
    if not result.text.strip():
        # E006's stock message speaks of HTML; this reason fits every format
        reason = "no article body left after the headline and page furniture"
        return Problem(Code.NO_MAIN_TEXT, reason).rejected(item)
    if result.lang != "en":
        return problem(Code.NOT_ENGLISH, f"detected '{result.lang}'").rejected(item)
    return result
