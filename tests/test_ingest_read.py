"""read_items: paths, directories, JSONL, standard input; bad input never raises."""

from __future__ import annotations

import io
import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from claimscope.errors import Code
from claimscope.ingest import read_items, reader
from claimscope.records import Article, Rejected

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "ingest"
PLAIN = (FIXTURES / "wire_pipe_byline.txt").read_text(encoding="utf-8")
HTML = (FIXTURES / "kyiv_monitor_drones.html").read_text(encoding="utf-8")
JSONL = FIXTURES / "batch.jsonl"


def codes(items) -> list[str]:
    return [item.code if isinstance(item, Rejected) else "ok" for item in items]


def test_jsonl_file() -> None:
    items = list(read_items([str(JSONL)]))
    assert codes(items) == ["ok", "E007", "E007", "E007", "E005", "ok"]
    assert [item.item for item in items if isinstance(item, Rejected)] == [
        f"{JSONL}:3",
        f"{JSONL}:4",
        f"{JSONL}:5",
        f"{JSONL}:6",
    ]  # line 2 is blank: skipped
    first, last = items[0], items[-1]
    assert first.title == "Authorities Order Evacuation of Villages Near Kherson"
    assert first.author == "Oksana Melnyk and James Carter"
    assert first.outlet == "Frontline Wire"
    assert first.section == "War"
    assert first.published == datetime(2024, 10, 22, 11, 20, tzinfo=timezone(timedelta(hours=2)))
    assert first.text.count("\n\n") == 1
    assert first.origin_path == str(JSONL)
    assert last.outlet == "Steppe Herald" and last.published_precision == "day"
    assert last.title is None and last.id.startswith("t")


def test_jsonl_ids_ignore_tracking_parameters(tmp_path) -> None:
    lines = [
        '{"url": "https://www.frontline-wire.com/news/kherson-evacuation", "text": "Short text."}',
        (
            '{"url": "https://www.frontline-wire.com/news/kherson-evacuation/?utm_source=x", '
            '"text": "Other."}'
        ),
    ]
    path = tmp_path / "two.ndjson"
    path.write_text("\n".join(lines), encoding="utf-8")
    first, second = read_items([str(path)])
    assert first.id == second.id
    assert first.id == next(iter(read_items([str(JSONL)]))).id


def test_jsonl_line_over_the_limit_is_rejected_alone(tmp_path) -> None:
    big = '{"text": "' + "word " * 2000 + '"}'
    small = '{"text": "Officials said the bridge was closed."}'
    path = tmp_path / "mixed.jsonl"
    path.write_text(f"{small}\n{big}\n{small}\n", encoding="utf-8")
    assert codes(read_items([str(path)], max_bytes=1000)) == ["ok", Code.TOO_LARGE.value, "ok"]


def test_directory_is_recursive_sorted_and_skips_hidden(tmp_path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / ".git").mkdir()
    (tmp_path / "b.txt").write_text(PLAIN, encoding="utf-8")
    (tmp_path / "a.md").write_text(PLAIN.replace("Ukraine Says", "Kyiv Says"), encoding="utf-8")
    (tmp_path / "sub" / "page.htm").write_text(HTML, encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text(PLAIN, encoding="utf-8")
    (tmp_path / ".git" / "notes.txt").write_text(PLAIN, encoding="utf-8")
    (tmp_path / "scan.pdf").write_bytes(b"%PDF-1.7")
    items = list(read_items([str(tmp_path)]))
    names = [
        Path(item.origin_path if isinstance(item, Article) else item.item).name for item in items
    ]
    assert names == ["a.md", "b.txt", "scan.pdf", "page.htm"]
    assert codes(items) == ["ok", "ok", Code.UNSUPPORTED.value, "ok"]


def test_missing_and_unsupported_paths(tmp_path) -> None:
    (tmp_path / "data.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    missing = str(tmp_path / "nope.txt")
    items = list(read_items([missing, str(tmp_path / "data.csv")]))
    assert codes(items) == [Code.UNREADABLE.value, Code.UNSUPPORTED.value]
    assert items[0].item == missing
    assert all(item.stage == "ingest" and "\n" not in item.reason for item in items)


def test_body_less_text_is_rejected(tmp_path) -> None:
    path = tmp_path / "furniture.txt"
    path.write_text("Headline Only\n\nAdvertisement\nShare this article\n", encoding="utf-8")
    (result,) = read_items([str(path)])
    assert result.code == Code.NO_MAIN_TEXT.value
    assert "HTML" not in result.reason


def test_bad_inputs_in_a_batch_never_raise(tmp_path) -> None:
    files = {
        "empty.txt": b"",
        "binary.txt": b"\x00\x01\x02\x03" * 100,
        "broken.html": b"<html><body><div><p>Truncated",
        "good.txt": PLAIN.encode("utf-8"),
        "utf16.txt": PLAIN.encode("utf-16"),
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    results = dict(zip(sorted(files), codes(read_items([str(tmp_path)]))))
    assert results == {
        "binary.txt": Code.BINARY.value,
        "broken.html": Code.NO_MAIN_TEXT.value,
        "empty.txt": Code.EMPTY.value,
        "good.txt": "ok",
        "utf16.txt": "ok",
    }


def test_a_parser_bug_rejects_one_item_and_the_batch_goes_on(tmp_path, monkeypatch) -> None:
    def boom(text, **_):
        if "Luhansk" in text:
            raise RuntimeError("unexpected\nlayout")
        return real(text, **_)

    real = reader.parse_plain_article
    monkeypatch.setattr(reader, "parse_plain_article", boom)
    (tmp_path / "a.txt").write_text(PLAIN, encoding="utf-8")
    body = "Headline\n\nA body sentence about the front line."
    (tmp_path / "b.txt").write_text(body, encoding="utf-8")
    items = list(read_items([str(tmp_path)]))
    assert codes(items) == [Code.EXTRACT_FAILED.value, "ok"]
    assert items[0].reason.endswith("RuntimeError: unexpected layout")


@pytest.mark.parametrize(
    "stream",
    [
        io.BytesIO(PLAIN.encode("utf-8")),
        io.StringIO(PLAIN),
        io.TextIOWrapper(io.BytesIO(PLAIN.encode("cp1252")), encoding="utf-8"),
    ],
    ids=["bytes", "text", "text-wrapper-cp1252"],
)
def test_stdin_plain_text(stream) -> None:
    (article,) = read_items(["-"], stdin=stream)
    assert isinstance(article, Article)
    assert article.author == "Olena Marchenko"
    assert article.origin_path is None
    assert article.text.startswith("KYIV, Oct 22 (Reuters)")


def test_stdin_sniffs_html_and_jsonl() -> None:
    (page,) = read_items(["-"], stdin=io.StringIO("\n  " + HTML))
    assert page.title == "Drones Target Power Substations Near Odesa"
    items = list(read_items(["-"], stdin=io.BytesIO(JSONL.read_bytes())))
    assert codes(items) == ["ok", "E007", "E007", "E007", "E005", "ok"]
    assert items[1].item == "-:3"


def test_stdin_problems_are_rejections() -> None:
    assert codes(read_items(["-"], stdin=io.BytesIO(b""))) == [Code.EMPTY.value]
    too_big = io.BytesIO(b"x" * 5000)
    assert codes(read_items(["-"], stdin=too_big, max_bytes=1000)) == [Code.TOO_LARGE.value]


def test_same_path_twice_gives_the_same_article() -> None:
    path = FIXTURES / "iso_date_repeated_teaser.txt"
    first, second = read_items([str(path), path])  # a pathlib.Path works as well as a str
    assert first == second


def test_input_meter_follows_the_bytes_read_inside_a_big_file(tmp_path):
    from claimscope.ingest.reader import InputMeter

    lines = [json.dumps({"url": f"https://news.example.org/{n}",
                         "text": f"The mayor said {n} houses were damaged by the storm. " * 40})
             for n in range(200)]
    (tmp_path / "big.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (tmp_path / "small.txt").write_text("Storm\n\nThe mayor said the road reopened.\n")
    meter = InputMeter([tmp_path])
    sizes = sum(p.stat().st_size for p in tmp_path.iterdir())
    assert meter.total == sizes and meter.position == 0
    seen = []
    for _item in read_items([tmp_path], meter=meter):
        seen.append(meter.position)
    assert seen == sorted(seen)  # never goes back
    assert 0 < seen[len(seen) // 2] < sizes  # moves inside the big file, not only between files
    assert len(set(seen)) > 10
    assert meter.position == sizes
