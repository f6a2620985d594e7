"""Corpora: WARC / WARC.gz, JSONL .gz / .zst and Parquet, streamed, corrupt streams coded E018.

Every corpus is generated here from short invented news texts (places and people made up).
"""

from __future__ import annotations

import gc
import gzip
import io
import json
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import zstandard
from typer.testing import CliRunner
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from claimscope import cli
from claimscope.errors import Code
from claimscope.ingest import corpora, read_items
from claimscope.ingest.reader import read_bytes
from claimscope.records import Article, Rejected

STORIES = [
    (
        "Flood Kills 12 in Varnel",
        "Officials in the invented town of Varnel said at least 12 people were killed when the "
        "river Oska burst its banks on Tuesday night and flooded hundreds of homes.",
        "The regional governor, Mara Tellis, said rescue teams had reached the northern "
        "districts by morning and that the search for missing residents would go on all week.",
    ),
    (
        "Bridge Closed After Ferry Strike",
        "Port authorities in Dunmere said the old harbour bridge was closed on Monday after a "
        "ferry struck one of its pillars during a storm, injuring four crew members.",
        "Engineers said the structure would be inspected before any traffic was allowed back, "
        "and the mayor said a temporary ferry service would run from the south quay.",
    ),
    (
        "Strike Halts Trains in Calder Province",
        "Rail workers in the fictional province of Calder walked out on Wednesday, and the "
        "operator said no trains would run on the main line until the weekend.",
        "Union leader Piet Osso said the strike was about pay and safety, while the transport "
        "minister said talks would resume on Thursday with a mediator present.",
    ),
]


def page(title: str, *paragraphs: str, published: str | None = None) -> str:
    meta = f'<meta property="article:published_time" content="{published}">' if published else ""
    body = "".join(f"<p>{text}</p>" for text in paragraphs)
    return (
        f"<html><head><title>{title}</title>{meta}</head><body>"
        f"<nav><a href='/'>Home</a></nav><article><h1>{title}</h1>{body}</article></body></html>"
    )


def response(
    writer: WARCWriter,
    uri: str,
    payload: bytes,
    *,
    status: str = "200 OK",
    content_type: str = "text/html; charset=utf-8",
    date: str = "2024-05-02T10:11:12Z",
) -> None:
    http = StatusAndHeaders(status, [("Content-Type", content_type)], protocol="HTTP/1.1")
    record = writer.create_warc_record(
        uri,
        "response",
        payload=io.BytesIO(payload),
        http_headers=http,
        warc_headers_dict={"WARC-Date": date},
    )
    writer.write_record(record)


def write_warc(path: Path, *, gz: bool = True, pages: int | None = None) -> Path:
    """warcinfo, request, an article, a 404, an image, an article, a resource page, a revisit."""
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=gz)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "test"}))
        request = StatusAndHeaders(
            "GET /varnel HTTP/1.1", [("Host", "news.example.org")], is_http_request=True
        )
        uri = "https://news.example.org/varnel"
        writer.write_record(
            writer.create_warc_record(
                uri, "request", payload=io.BytesIO(b""), http_headers=request
            )
        )
        if pages is not None:  # many small pages, for the memory test
            for number in range(pages):
                title, first, second = STORIES[number % len(STORIES)]
                html = page(f"{title} ({number})", first, second).encode()
                response(writer, f"https://news.example.org/story/{number}", html)
            return path
        varnel, dunmere, calder = STORIES
        html = page(*varnel, published="2024-05-01T21:30:00+02:00")
        response(writer, f"{uri}?utm_source=feed", html.encode())
        missing = page(*dunmere).encode()
        response(writer, "https://news.example.org/missing", missing, status="404 Not Found")
        png = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
        response(writer, "https://news.example.org/logo.png", png, content_type="image/png")
        # no date in the page: the capture day (WARC-Date) stands in; cp1252 as the server says
        quoted = dunmere[1].replace("old", "\u201cold\u201d")
        response(
            writer,
            "https://news.example.org/dunmere",
            page(dunmere[0], quoted, dunmere[2]).encode("cp1252"),
            content_type="text/html; charset=windows-1252",
            date="2024-05-03T08:00:00Z",
        )
        resource = page(*calder, published="2024-05-04").encode()
        writer.write_record(
            writer.create_warc_record(
                "https://news.example.org/calder",
                "resource",
                payload=io.BytesIO(resource),
                warc_content_type="application/xhtml+xml",
            )
        )
        writer.write_record(
            writer.create_revisit_record(
                uri, digest="sha1:AAAA", refers_to_uri=uri, refers_to_date="2024-05-02T10:11:12Z"
            )
        )
    return path


def jsonl_lines(count: int = 3) -> list[str]:
    lines = []
    for number in range(count):
        title, first, second = STORIES[number % len(STORIES)]
        record = {
            "url": f"https://wire.example.org/{number}",
            "title": title,
            "text": f"{first}\n\n{second}",
            "published": "2024-05-01T09:00:00Z",
        }
        lines.append(json.dumps(record))
    return lines


def write_jsonl(path: Path, lines: list[str]) -> Path:
    data = ("\n".join(lines) + "\n").encode()
    if path.suffix == ".gz":
        data = gzip.compress(data)
    elif path.suffix == ".zst":
        data = zstandard.ZstdCompressor().compress(data)
    path.write_bytes(data)
    return path


def kinds(items) -> list[str]:
    return [item.code if isinstance(item, Rejected) else "ok" for item in items]


# --- WARC --------------------------------------------------------------------------------


@pytest.mark.parametrize("gz", [True, False], ids=["warc.gz", "warc"])
def test_warc_pages_become_articles_and_other_records_are_skipped(tmp_path, gz):
    path = write_warc(tmp_path / ("crawl.warc.gz" if gz else "crawl.warc"), gz=gz)
    items = list(read_items([path]))
    assert all(isinstance(item, Article) for item in items), items
    varnel, dunmere, calder = items
    assert [a.url for a in items] == [
        "https://news.example.org/varnel?utm_source=feed",
        "https://news.example.org/dunmere",
        "https://news.example.org/calder",
    ]
    assert varnel.title == "Flood Kills 12 in Varnel"
    assert "at least 12 people were killed" in varnel.text and "Home" not in varnel.text
    assert varnel.published == datetime.fromisoformat("2024-05-01T21:30:00+02:00")
    assert varnel.origin_path == str(path) and varnel.outlet
    # the id is the target URI's, canonical (tracking parameters dropped)
    assert varnel.id == next(iter(read_bytes(
        b'{"url": "https://news.example.org/varnel", "text": "x"}', "one.jsonl"))).id
    assert "\u201cold\u201d harbour bridge" in dunmere.text  # the HTTP charset decoded it
    assert dunmere.published == datetime(2024, 5, 3) and dunmere.published_precision == "day"
    assert calder.title == "Strike Halts Trains in Calder Province"
    assert calder.published.date().isoformat() == "2024-05-04"


def test_warc_record_over_the_limit_is_rejected_alone(tmp_path):
    path = tmp_path / "big.warc.gz"
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=True)
        small = page(*STORIES[0]).encode()
        response(writer, "https://news.example.org/a", small)
        response(writer, "https://news.example.org/huge", page(STORIES[1][0], "word " * 2000)
                 .encode())
        response(writer, "https://news.example.org/b", small)
    assert path.stat().st_size > 1500  # the file is over the limit, each small record is not
    items = list(read_items([path], max_bytes=1500))
    assert kinds(items) == ["ok", Code.TOO_LARGE.value, "ok"]
    assert items[1].item.startswith(f"{path}#") and items[1].item != f"{path}#0"
    assert "(https://news.example.org/huge)" in items[1].reason


def test_warc_page_without_text_names_the_record(tmp_path):
    path = tmp_path / "empty.warc"
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=False)
        response(writer, "https://news.example.org/blank", b"<html><body><nav>Menu</nav></body>")
    (item,) = read_items([path])
    assert isinstance(item, Rejected) and item.code == Code.NO_MAIN_TEXT.value
    assert item.item == f"{path}#0" and "https://news.example.org/blank" in item.reason


def record_spans(path: Path) -> list[tuple[int, int]]:
    with path.open("rb") as handle:
        records = ArchiveIterator(handle)
        return [(records.get_record_offset(), records.get_record_length()) for _ in records]


@pytest.mark.parametrize("gz", [True, False], ids=["warc.gz", "warc"])
def test_truncated_warc_gives_its_good_records_then_e018(tmp_path, gz):
    whole = write_warc(tmp_path / ("whole.warc.gz" if gz else "whole.warc"), gz=gz)
    dunmere_offset, dunmere_length = record_spans(whole)[5]  # the second article
    cut = tmp_path / ("cut.warc.gz" if gz else "cut.warc")
    cut.write_bytes(whole.read_bytes()[: dunmere_offset + dunmere_length // 2])
    after = write_jsonl(tmp_path / "after.jsonl", jsonl_lines(1))
    items = list(read_items([cut, after]))
    assert kinds(items) == ["ok", Code.BAD_ARCHIVE.value, "ok"]
    assert items[0].url == "https://news.example.org/varnel?utm_source=feed"
    assert items[1].item == str(cut)
    assert f"at record 6 (offset {dunmere_offset:,})" in items[1].reason


def test_cut_at_a_record_boundary_is_a_shorter_archive(tmp_path):
    whole = write_warc(tmp_path / "whole.warc.gz")
    offset, _ = record_spans(whole)[5]
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(whole.read_bytes()[:offset])  # whole gzip members: nothing is broken
    assert kinds(read_items([cut])) == ["ok"]
    cut.write_bytes(whole.read_bytes()[: offset + 5])  # a stub of the next member
    assert kinds(read_items([cut])) == ["ok", Code.BAD_ARCHIVE.value]


def test_broken_warc_header_and_non_warc_file_give_e018(tmp_path):
    header = tmp_path / "header.warc"
    header.write_bytes(b"WARC/1.0\r\nthis is not a header\r\n\r\n")
    garbage = tmp_path / "garbage.warc.gz"
    garbage.write_bytes(b"\x1f\x8b" + b"not really gzip" * 10)
    text = tmp_path / "text.warc"
    text.write_text("an ordinary text file, not an archive\n", encoding="utf-8")
    items = list(read_items([header, garbage, text]))
    assert kinds(items) == [Code.BAD_ARCHIVE.value] * 3
    assert [item.item for item in items] == [str(header), str(garbage), str(text)]


# --- compressed JSONL ----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["dump.jsonl.gz", "dump.jsonl.zst", "dump.ndjson.gz",
                                  "dump.ndjson.zst"])
def test_compressed_jsonl_reads_like_plain_jsonl(tmp_path, name):
    lines = [*jsonl_lines(2), "", '{"title": "no text"}', jsonl_lines(3)[2]]
    plain = list(read_items([write_jsonl(tmp_path / "dump.jsonl", lines)]))
    packed = write_jsonl(tmp_path / name, lines)
    items = list(read_items([packed]))
    assert kinds(items) == ["ok", "ok", Code.BAD_JSON.value, "ok"]
    assert [a.id for a in items if isinstance(a, Article)] == [
        a.id for a in plain if isinstance(a, Article)]
    assert items[0].url == "https://wire.example.org/0" and items[0].title == STORIES[0][0]
    assert items[0].published == datetime(2024, 5, 1, 9, tzinfo=UTC)
    assert items[2].item == f"{packed}:4"  # line 3 is blank
    assert items[0].origin_path == str(packed)


def test_compressed_jsonl_limit_is_per_line(tmp_path):
    big = json.dumps({"text": "word " * 2000})
    path = write_jsonl(tmp_path / "big.jsonl.zst", [jsonl_lines(1)[0], big, jsonl_lines(1)[0]])
    assert kinds(read_items([path], max_bytes=1000)) == ["ok", Code.TOO_LARGE.value, "ok"]


def test_truncated_gzip_gives_good_lines_then_e018(tmp_path):
    whole = gzip.compress(("\n".join(jsonl_lines(300)) + "\n").encode())
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(whole[: len(whole) // 2])
    items = list(read_items([path, write_jsonl(tmp_path / "next.jsonl", jsonl_lines(1))]))
    assert 0 < kinds(items).index(Code.BAD_ARCHIVE.value) < 300
    assert set(kinds(items)) == {"ok", Code.BAD_ARCHIVE.value}
    broken = next(item for item in items if isinstance(item, Rejected))
    assert broken.item == str(path) and "EOFError" in broken.reason
    assert isinstance(items[-1], Article)  # the next file is still read


def test_bad_zstd_frames_give_e018(tmp_path):
    whole = zstandard.ZstdCompressor().compress(("\n".join(jsonl_lines(3)) + "\n").encode())
    truncated = tmp_path / "truncated.jsonl.zst"
    truncated.write_bytes(whole[:-20])
    trailing = tmp_path / "trailing.jsonl.zst"
    trailing.write_bytes(whole + b"this is not a zstd frame")
    not_zstd = tmp_path / "plain.jsonl.zst"
    not_zstd.write_bytes(b"\n".join(line.encode() for line in jsonl_lines(2)))
    assert kinds(read_items([truncated]))[-1] == Code.BAD_ARCHIVE.value
    assert kinds(read_items([trailing])) == ["ok", "ok", "ok", Code.BAD_ARCHIVE.value]
    (item,) = read_items([not_zstd])
    assert item.code == Code.BAD_ARCHIVE.value and "after 0 records" in item.reason


def test_multi_frame_zstd_and_multi_member_gzip(tmp_path):
    lines = jsonl_lines(3)
    frames = b"".join(zstandard.ZstdCompressor().compress(f"{line}\n".encode()) for line in lines)
    members = b"".join(gzip.compress(f"{line}\n".encode()) for line in lines)
    (tmp_path / "frames.jsonl.zst").write_bytes(frames)
    (tmp_path / "members.jsonl.gz").write_bytes(members)
    assert kinds(read_items([tmp_path])) == ["ok"] * 6


def test_read_bytes_takes_a_compressed_upload(tmp_path):
    data = gzip.compress("\n".join(jsonl_lines(2)).encode())
    assert kinds(read_bytes(data, "upload.jsonl.gz")) == ["ok", "ok"]


# --- Parquet -------------------------------------------------------------------------------


def write_parquet(path: Path, rows: list[dict], **options) -> Path:
    pq.write_table(pa.Table.from_pylist(rows), path, **options)
    return path


def parquet_rows() -> list[dict]:
    rows = []
    for number, (title, first, second) in enumerate(STORIES):
        rows.append({
            "url": f"https://wire.example.org/p/{number}",
            "title": title,
            "text": f"{first}\n\n{second}",
            "published": datetime(2024, 5, 1 + number, 12, tzinfo=UTC),
            "author": ["Ana Ferro", "Tom Reyes"] if number == 0 else None,
            "outlet": "Example Wire",
            "section": "World",
            "clicks": number * 10,  # not a known column: not read
        })
    rows.insert(2, {**rows[0], "url": "https://wire.example.org/p/empty", "text": ""})
    return rows


def test_parquet_rows_become_articles(tmp_path):
    path = write_parquet(tmp_path / "dump.parquet", parquet_rows(), row_group_size=2)
    items = list(read_items([path]))
    assert kinds(items) == ["ok", "ok", Code.BAD_JSON.value, "ok"]
    first = items[0]
    assert (first.url, first.title, first.outlet, first.section) == (
        "https://wire.example.org/p/0", STORIES[0][0], "Example Wire", "World")
    assert first.author == "Ana Ferro and Tom Reyes"
    assert first.published == datetime(2024, 5, 1, 12, tzinfo=UTC)
    assert first.text.count("\n\n") == 1 and first.origin_path == str(path)
    assert items[2].item == f"{path}:3"


def test_parquet_limit_per_row_and_missing_text_column(tmp_path):
    rows = [{"text": f"{STORIES[0][1]}"}, {"text": "word " * 2000}, {"text": STORIES[1][1]}]
    path = write_parquet(tmp_path / "rows.parquet", rows)
    assert kinds(read_items([path], max_bytes=1000)) == ["ok", Code.TOO_LARGE.value, "ok"]
    no_text = write_parquet(tmp_path / "no_text.parquet", [{"body": "x", "url": "u"}])
    (item,) = read_items([no_text])
    assert item.code == Code.BAD_JSON.value and "'text' column" in item.reason


def test_corrupt_parquet_gives_e018(tmp_path):
    whole = write_parquet(tmp_path / "whole.parquet", parquet_rows()).read_bytes()
    cut = tmp_path / "cut.parquet"
    cut.write_bytes(whole[: len(whole) // 2])  # the footer (schema, row groups) is gone
    junk = tmp_path / "junk.parquet"
    junk.write_text("not parquet at all", encoding="utf-8")
    items = list(read_items([cut, junk]))
    assert kinds(items) == [Code.BAD_ARCHIVE.value] * 2
    assert [item.item for item in items] == [str(cut), str(junk)]


def test_damaged_parquet_row_group_gives_good_rows_then_e018(tmp_path):
    rows = [{"text": f"{STORIES[n % 3][1]} ({n})"} for n in range(40)]
    path = write_parquet(tmp_path / "groups.parquet", rows, row_group_size=10, compression="zstd")
    meta = pq.ParquetFile(path).metadata
    start = meta.row_group(2).column(0).data_page_offset
    data = bytearray(path.read_bytes())
    data[start : start + 40] = b"\xff" * 40  # the third row group's page is unreadable
    path.write_bytes(bytes(data))
    codes = kinds(read_items([path]))
    assert codes[-1] == Code.BAD_ARCHIVE.value and codes[:-1] == ["ok"] * 20


# --- directories, order, the CLI -----------------------------------------------------------


def test_directory_walks_corpora_in_a_fixed_order(tmp_path):
    write_warc(tmp_path / "b.warc.gz")
    (tmp_path / "sub").mkdir()
    write_jsonl(tmp_path / "sub" / "a.jsonl.zst", jsonl_lines(2))
    write_parquet(tmp_path / "c.parquet", parquet_rows()[:1])
    (tmp_path / "notes.txt.gz").write_bytes(gzip.compress(b"notes"))
    first = list(read_items([tmp_path]))
    assert first == list(read_items([tmp_path]))
    names = [Path(i.origin_path if isinstance(i, Article) else i.item).name for i in first]
    assert names == ["b.warc.gz"] * 3 + ["c.parquet", "notes.txt.gz", "a.jsonl.zst", "a.jsonl.zst"]
    assert first[4].code == Code.UNSUPPORTED.value


def test_cli_ingests_a_warc_gz_end_to_end(tmp_path, nlp):
    path = write_warc(tmp_path / "corpus.warc.gz")
    db = f"sqlite:///{tmp_path / 'corpus.db'}"
    runner = CliRunner(env={"COLUMNS": "200", "CLAIMSCOPE_DB": None, "NO_COLOR": "1"})
    result = runner.invoke(cli.app, ["ingest", str(path), "--db", db, "--strict"])
    assert result.exit_code == 0, result.output
    assert "3 articles" in result.stdout and "0 rejected" in result.stdout
    claims = json.loads(runner.invoke(cli.app, ["claims", "--db", db, "--json"]).stdout)
    sources = {claim["source"]["name"] for claim in claims}
    assert "Officials in the invented town of Varnel" in sources
    killed = [f for claim in claims for f in claim["figures"] if f["type"] == "killed"]
    assert killed and killed[0]["best"] == 12
    again = runner.invoke(cli.app, ["ingest", str(path), "--db", db])
    assert again.exit_code == 0 and "3 articles" in again.stdout  # same ids: replaced, not added
    assert len(json.loads(runner.invoke(cli.app, ["claims", "--db", db, "--json"]).stdout)) == len(
        claims
    )


# --- flat memory ---------------------------------------------------------------------------


def _peak(paths: list[Path]) -> int:
    gc.collect()
    tracemalloc.start()
    try:
        count = sum(1 for _ in read_items(paths))
        assert count
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _cheap_page(text: str, *, url=None, origin_path=None, fallback_published=None):
    # trafilatura costs ~10 ms a page; the memory test measures the reading, not extraction
    return corpora.parse_object({"url": url, "text": text[-300:]}, item=url or "-",
                                origin_path=origin_path)


FLAT = 1.5  # the 10x corpus may peak at most this much above the small one


def test_jsonl_gz_memory_is_flat(tmp_path):
    small = write_jsonl(tmp_path / "small.jsonl.gz", jsonl_lines(500))
    large = write_jsonl(tmp_path / "large.jsonl.gz", jsonl_lines(5000))
    _peak([small])  # warm-up: imports and caches are not the corpus
    small_peak, large_peak = _peak([small]), _peak([large])
    print(f"jsonl.gz peak: 500 lines {small_peak:,} B, 5000 lines {large_peak:,} B")
    assert large_peak < FLAT * small_peak


def test_jsonl_zst_memory_is_flat(tmp_path):
    small = write_jsonl(tmp_path / "small.jsonl.zst", jsonl_lines(500))
    large = write_jsonl(tmp_path / "large.jsonl.zst", jsonl_lines(5000))
    _peak([small])
    small_peak, large_peak = _peak([small]), _peak([large])
    print(f"jsonl.zst peak: 500 lines {small_peak:,} B, 5000 lines {large_peak:,} B")
    assert large_peak < FLAT * small_peak


def test_warc_gz_memory_is_flat(tmp_path, monkeypatch):
    monkeypatch.setattr(corpora, "parse_html", _cheap_page)
    small = write_warc(tmp_path / "small.warc.gz", pages=300)
    large = write_warc(tmp_path / "large.warc.gz", pages=3000)
    _peak([small])
    small_peak, large_peak = _peak([small]), _peak([large])
    print(f"warc.gz peak: 300 pages {small_peak:,} B, 3000 pages {large_peak:,} B")
    assert large_peak < FLAT * small_peak


def test_parquet_memory_is_flat(tmp_path):
    rows = [
        {"url": f"https://wire.example.org/{n}", "text": STORIES[n % 3][1]} for n in range(4000)
    ]
    small = write_parquet(tmp_path / "small.parquet", rows[:400], row_group_size=1000)
    large = write_parquet(tmp_path / "large.parquet", rows, row_group_size=1000)
    _peak([small])
    small_peak, large_peak = _peak([small]), _peak([large])
    print(f"parquet peak: 400 rows {small_peak:,} B, 4000 rows {large_peak:,} B")
    assert large_peak < FLAT * small_peak
