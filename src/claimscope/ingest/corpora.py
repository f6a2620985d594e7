"""Corpora: WARC / WARC.gz web archives, compressed JSONL and Parquet, all streamed.

Nothing here reads a whole file: WARC records, JSONL lines and Parquet row batches come one
at a time, so memory stays flat however large the corpus, and the size limit applies to each
record. A corrupt stream (truncated gzip, bad zstd frame, broken WARC header, unreadable
Parquet) yields what was read before the damage, then one Rejected E018 for the rest.
"""

from __future__ import annotations

import codecs
import contextlib
import dataclasses
import gzip
import io
import itertools
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime
from functools import partial
from typing import Any, BinaryIO

from claimscope.errors import Code
from claimscope.ingest.checks import Problem, check_bytes, check_size, problem
from claimscope.ingest.html import parse_html
from claimscope.ingest.jsonl import parse_object
from claimscope.ingest.reader import Item, _guarded
from claimscope.records import Rejected

PARQUET_COLUMNS = ("url", "title", "text", "published", "author", "outlet", "source", "section")
PARQUET_BATCH_ROWS = 256
_HTML_TYPES = ("text/html", "application/xhtml+xml")
_ARTICLE_RECORDS = ("response", "resource")
# Compressed bytes fed per step, halved after a step whose output passed the target: what one
# step gives grows with the compression ratio, so this keeps it near the target for any data.
_ZSTD_FEED = (1 << 6, 1 << 12)
_ZSTD_STEP_OUTPUT = 1 << 16
_BUFFER = 1 << 16


def salvage(items: Iterable[Item], name: str, *, unit: str = "records") -> Iterator[Item]:
    """``items`` until the stream under them breaks, then one E018 saying how far it got."""
    count = 0
    try:
        for found in items:
            count += 1
            yield found
    except Exception as err:  # noqa: BLE001 - every decoder raises its own types
        yield broken(name, f"after {count:,} {unit}", err)


def broken(name: str, where: str, err: Exception) -> Rejected:
    message = "".join(c if c.isprintable() else " " for c in f"{type(err).__name__}: {err}")
    detail = " ".join(f"{where}: {message}".split())[:300]
    return problem(Code.BAD_ARCHIVE, detail).rejected(name)


def decompressed(handle: BinaryIO, compression: str) -> BinaryIO:
    """A buffered, line-readable stream of ``handle``'s content ("gz" or "zst")."""
    stream: Any
    if compression == "gz":
        stream = gzip.GzipFile(fileobj=handle, mode="rb")
    else:
        stream = io.BufferedReader(_ZstdStream(handle), buffer_size=_BUFFER)
    return stream  # GzipFile and BufferedReader both read lines and peek


class _ZstdStream(io.RawIOBase):
    """zstd frames one after another; a frame cut short raises EOFError.

    ``zstandard``'s own stream_reader ends quietly on truncated input, so the frames are fed
    in small steps to decompression objects, which say whether each frame was finished.
    """

    def __init__(self, source: BinaryIO) -> None:
        import zstandard

        self._source = source
        self._decompressor = zstandard.ZstdDecompressor()
        self._frame: Any = None  # the decompression object of the frame in progress
        self._leftover = b""  # input after the end of the last frame
        self._output = memoryview(b"")
        self._feed = _ZSTD_FEED[0]  # grows while the output stays small

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self._output:
            if not self._step():
                return 0
        size = min(len(buffer), len(self._output))
        buffer[:size] = self._output[:size]
        self._output = self._output[size:]
        return size

    def _step(self) -> bool:
        data, self._leftover = self._leftover or self._source.read(self._feed), b""
        if not data:
            if self._frame is not None:
                raise EOFError("the zstd stream ends inside a frame (truncated)")
            return False
        if self._frame is None:
            self._frame = self._decompressor.decompressobj(write_size=_BUFFER)
        self._output = memoryview(self._frame.decompress(data))
        low, high = _ZSTD_FEED
        big = len(self._output) > _ZSTD_STEP_OUTPUT
        self._feed = max(low, self._feed // 2) if big else min(high, self._feed * 2)
        if self._frame.eof:
            self._leftover, self._frame = self._frame.unused_data, None
        return True


def read_warc(handle: BinaryIO, path: str, *, max_bytes: int) -> Iterator[Item]:
    """HTML pages from a WARC (plain or gzipped): response and resource records, status 200."""
    for found in _warc_pages(handle, path, max_bytes):
        if isinstance(found, Rejected):
            yield found
        else:
            yield _warc_article(*found, path=path, max_bytes=max_bytes)


def _warc_pages(
    handle: BinaryIO, path: str, max_bytes: int
) -> Iterator[tuple[str, Any, str, bytes] | Rejected]:
    """(name, record, content type, bytes) for each page record; E018 where the stream breaks."""
    from warcio.archiveiterator import ArchiveIterator

    index, offset = 0, 0
    try:
        records = ArchiveIterator(handle)
        while (record := _quiet(next, records, None)) is not None:
            index, offset = index + 1, records.offset  # get_record_offset would read it all
            _check_header(record)
            content_type = _warc_page(record)
            # decodes chunking and gzip encoding; + 1: over the limit is still caught
            data = record.content_stream().read(max_bytes + 1) if content_type else b""
            _quiet(records.read_to_end)
            _check_complete(record)
            if content_type:
                yield f"{path}#{offset}", record, content_type, data
        if (left := handle.tell() - records.offset) > 0:  # warcio ends quietly on a stub
            index, offset = index + 1, records.offset
            raise EOFError(f"{left:,} bytes at the end are not a whole WARC record")
    except Exception as err:  # noqa: BLE001 - warcio, gzip and zlib raise their own types
        yield broken(path, f"at record {index:,} (offset {offset:,})", err)


def _quiet(call: Callable[..., Any], *args: Any) -> Any:
    # warcio prints warnings about odd record endings on stderr; one line per item is ours
    with contextlib.redirect_stderr(io.StringIO()):
        return call(*args)


def _check_header(record: Any) -> None:
    if record.format != "warc":
        raise ValueError(f"not a WARC record (read as {record.format!r})")
    if not record.rec_type or record.length is None:
        raise ValueError("a WARC header without WARC-Type or Content-Length")


def _check_complete(record: Any) -> None:
    missing = getattr(record.raw_stream, "limit", 0)  # what the Content-Length still expects
    if isinstance(missing, int) and missing > 0:
        raise EOFError(f"the record is cut short: {missing:,} of {record.length:,} bytes missing")


def _warc_page(record: Any) -> str | None:
    """The Content-Type of a record holding a page we read (HTML, status 200), else None."""
    if record.rec_type not in _ARTICLE_RECORDS:
        return None  # request, metadata, warcinfo, revisit, conversion
    if record.rec_type == "response":
        http = record.http_headers
        if http is None or http.get_statuscode() != "200":
            return None
        content_type = http.get_header("Content-Type") or ""
    else:
        content_type = record.rec_headers.get_header("Content-Type") or ""
    media_type = content_type.split(";", 1)[0].strip().lower()
    return content_type if media_type in _HTML_TYPES else None


def _warc_article(
    name: str, record: Any, content_type: str, data: bytes, *, path: str, max_bytes: int
) -> Item:
    uri = (record.rec_headers.get_header("WARC-Target-URI") or "").strip() or None
    text = _decode(data, _charset(content_type), max_bytes)
    if isinstance(text, Problem):
        return _named(text.rejected(name), name, uri)
    captured = record.rec_headers.get_header("WARC-Date") or ""
    parse = partial(
        parse_html,
        text,
        url=uri,
        origin_path=path,
        fallback_published=captured[:10] or None,  # the capture day, not a publication time
    )
    return _named(_guarded(name, parse), name, uri)


def _charset(content_type: str) -> str | None:
    for param in content_type.split(";")[1:]:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset" and value.strip(" \"'"):
            return value.strip(" \"'")
    return None


def _decode(data: bytes, charset: str | None, max_bytes: int) -> str | Problem:
    """The HTTP charset when it decodes the page cleanly, else the usual byte checks."""
    if charset and len(data) <= max_bytes:
        try:
            text = data.decode(codecs.lookup(charset).name)
        except (LookupError, UnicodeDecodeError):
            pass
        else:
            if text.strip() and "\x00" not in text:
                return text.removeprefix("\ufeff")
    return check_bytes(data, max_bytes=max_bytes)


def _named(item: Item, name: str, uri: str | None) -> Item:
    """A record's rejection names the record (``path#offset``) and gives its URL."""
    if isinstance(item, Rejected):
        reason = f"{item.reason} ({uri})" if uri else item.reason
        return dataclasses.replace(item, item=name, reason=reason)
    return item


def read_parquet(handle: BinaryIO, path: str, *, max_bytes: int) -> Iterator[Item]:
    """Rows of a Parquet file, in batches, each checked like a JSONL line."""
    import pyarrow.parquet as pq

    try:
        table = pq.ParquetFile(handle)
        present = set(table.schema_arrow.names)
    except Exception as err:  # noqa: BLE001 - pyarrow raises ArrowInvalid, OSError, ...
        yield broken(path, "before the first row", err)
        return
    if "text" not in present:
        detail = f"no 'text' column in the Parquet file (columns: {', '.join(sorted(present))})"
        yield problem(Code.BAD_JSON, detail).rejected(path)
        return
    columns = [column for column in PARQUET_COLUMNS if column in present]
    yield from salvage(_parquet_rows(table, columns, path, max_bytes), path, unit="rows")


def _parquet_rows(table: Any, columns: list[str], path: str, max_bytes: int) -> Iterator[Item]:
    number = 0
    # a row group at a time: a batch spanning two would lose the good one's rows to the bad one
    groups = (
        table.iter_batches(batch_size=PARQUET_BATCH_ROWS, row_groups=[group], columns=columns)
        for group in range(table.num_row_groups)
    )
    for batch in itertools.chain.from_iterable(groups):
        for row in batch.to_pylist():
            number += 1
            name = f"{path}:{number}"
            size = sum(len(value.encode()) for value in row.values() if isinstance(value, str))
            if too_large := check_size(size, max_bytes=max_bytes):
                yield too_large.rejected(name)
                continue
            record = {key: _plain(value) for key, value in row.items()}
            yield _guarded(name, partial(parse_object, record, item=name, origin_path=path))


def _plain(value: Any) -> Any:
    """Parquet timestamps and dates as ISO strings, read like a JSONL line's ``published``."""
    return value.isoformat() if isinstance(value, (datetime, date)) else value

