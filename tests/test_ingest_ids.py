"""Article ids and fingerprints are deterministic and survive tracking parameters."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from claimscope.ingest import (
    article_id,
    canonical_url,
    fingerprint,
    parse_plain_article,
    read_items,
)
from claimscope.ingest.ids import outlet_from_url

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "ingest"
ID = re.compile(r"^[at][0-9a-f]{16}$")
BASE = "https://www.example-news.com/world/2024/10/22/strike"


@pytest.mark.parametrize(
    "variant",
    [
        BASE,
        BASE + "/",
        "HTTPS://WWW.Example-News.COM/world/2024/10/22/strike",
        BASE + "?utm_source=twitter&utm_medium=social&utm_campaign=war",
        BASE + "/?utm_content=x#comments",
        BASE + "?fbclid=IwAR0abc&gclid=xyz",
        "https://www.example-news.com:443/world/2024/10/22/strike",
    ],
)
def test_url_variants_share_one_id(variant: str) -> None:
    assert article_id(url=variant, text="anything") == article_id(url=BASE, text="other")


def test_url_id_format_and_value() -> None:
    value = article_id(url=BASE, text="")
    assert ID.match(value) and value.startswith("a")
    assert value == "a" + hashlib.sha1(BASE.encode()).hexdigest()[:16]


def test_meaningful_query_and_path_change_the_id() -> None:
    assert article_id(url=BASE + "?id=7", text="") != article_id(url=BASE + "?id=8", text="")
    assert article_id(url=BASE + "-2", text="") != article_id(url=BASE, text="")
    assert article_id(url="http://www.example-news.com/a", text="") != article_id(
        url="https://www.example-news.com/a", text=""
    )  # the scheme is part of the canonical URL


def test_canonical_url() -> None:
    url = "HTTPS://News.Example.ORG/Path/To/Story/?b=2&utm_source=x&a=1#top"
    assert canonical_url(url) == "https://news.example.org/Path/To/Story?a=1&b=2"


def test_text_id_ignores_layout_case_and_width() -> None:
    one = article_id(url=None, text="Troops  advanced\n\nnear the river.")
    two = article_id(url="", text="TROOPS advanced near the river.")
    three = article_id(url=None, text="Ｔｒｏｏｐｓ advanced near the river.")  # full-width: NFKC
    assert one == two == three and one.startswith("t") and ID.match(one)
    assert article_id(url=None, text="Troops retreated near the river.") != one


def test_fingerprint_is_full_sha1_of_normalised_text() -> None:
    expected = hashlib.sha1(b"troops advanced near the river.").hexdigest()
    assert fingerprint(" Troops\tadvanced\nnear the river. ") == expected


def test_same_article_twice_same_id_and_fingerprint() -> None:
    path = FIXTURES / "wire_pipe_byline.txt"
    first = parse_plain_article(path.read_text(encoding="utf-8"))
    second = parse_plain_article(path.read_text(encoding="utf-8"))
    assert first == second
    assert first.fingerprint == fingerprint(first.text)
    runs = [[getattr(item, "id", item) for item in read_items([str(FIXTURES)])] for _ in range(2)]
    assert runs[0] == runs[1]
    assert sum(isinstance(value, str) for value in runs[0]) >= 10


@pytest.mark.parametrize(
    ("url", "outlet"),
    [
        ("https://www.bbc.co.uk/news/world-europe-1", "bbc.co.uk"),
        ("https://edition.cnn.com/2024/10/22/europe/x", "cnn.com"),
        ("http://kyivindependent.com/a/", "kyivindependent.com"),
        ("https://news.kyiv-monitor.com.ua/war/x", "kyiv-monitor.com.ua"),
        (None, None),
        ("not a url", None),
    ],
)
def test_outlet_from_url(url, outlet) -> None:
    assert outlet_from_url(url) == outlet
