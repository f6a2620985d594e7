"""Saved HTML pages: boilerplate removed, metadata read, broken pages rejected."""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from claimscope.errors import Code
from claimscope.ingest import parse_html
from claimscope.records import Article, Rejected

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "ingest"
BOILERPLATE = [
    "Advertisement",
    "Buy solar panels",
    "Share this article",
    "Subscribe",
    "Sign up",
    "cookies",
    "All rights reserved",
    "Privacy policy",
    "Ports remain a prime target",
    "Economy",
    "Firefighters at a damaged substation",
    "Most popular",
    "Tank losses",
    "Sponsored",
    "Log in",
    "Registered in England",
    "dataLayer",
]


def load(name: str) -> Article:
    path = FIXTURES / name
    article = parse_html(path.read_text(encoding="utf-8"), origin_path=str(path))
    assert isinstance(article, Article), article
    return article


def test_page_with_open_graph_metadata() -> None:
    article = load("kyiv_monitor_drones.html")
    assert article.title == "Drones Target Power Substations Near Odesa"
    assert article.author == "Svitlana Hrytsenko"
    assert article.outlet == "The Kyiv Monitor"  # the site name beats the domain
    assert article.url == "https://news.kyiv-monitor.com.ua/war/drones-odesa-substations"
    assert article.published == datetime(2024, 10, 22, 7, 15, tzinfo=timezone(timedelta(hours=3)))
    assert article.published_zone == "+03:00"
    assert article.published_precision == "minute"
    assert article.section == "War"
    assert article.id.startswith("a")
    paragraphs = article.text.split("\n\n")
    assert len(paragraphs) == 5
    assert paragraphs[0].startswith("Russian forces launched more than 40 attack drones")
    assert paragraphs[-1].endswith("a charge Moscow has not addressed directly.")
    assert "Outages in three districts" not in article.text  # subhead
    assert "Outages in three districts" in article.dropped


def test_page_with_json_ld_and_no_site_name() -> None:
    article = load("defence_review_jsonld.html")
    assert article.title == "Frontline logistics: how rail shapes the war in the east"
    assert article.author == "Peter Holm"
    assert article.outlet == "defence-review.co.uk"  # from the canonical URL's domain
    assert article.published == datetime(2024, 10, 21, 18, 30, tzinfo=UTC)
    assert article.published_precision == "minute"
    assert article.text.startswith("Railways remain the backbone of military supply")
    assert article.text.count("\n\n") == 4
    assert "Repairs within days" not in article.text


@pytest.mark.parametrize("name", ["kyiv_monitor_drones.html", "defence_review_jsonld.html"])
def test_boilerplate_is_removed(name: str) -> None:
    text = load(name).text
    for junk in BOILERPLATE:
        assert junk not in text, junk


def test_given_url_sets_id_and_outlet_fallback() -> None:
    html = (FIXTURES / "defence_review_jsonld.html").read_text(encoding="utf-8")
    url = "https://www.defence-review.co.uk/analysis/frontline-logistics-rail"
    one = parse_html(html, url=url)
    two = parse_html(html, url=url + "/?utm_source=x&utm_medium=email")
    assert isinstance(one, Article) and one.url == url
    assert one.id == two.id


@pytest.mark.parametrize(
    "html",
    [
        "",
        "<html><body><div><p>Truncated",
        (
            "<html><head><title>Only a title</title></head>"
            "<body><nav><a href='/'>Home</a></nav></body></html>"
        ),
        "<<<>>> </div></span> <p",
    ],
)
def test_pages_without_article_text_are_rejected(html: str) -> None:
    result = parse_html(html, origin_path="page.html")
    assert isinstance(result, Rejected)
    assert result.code == Code.NO_MAIN_TEXT.value
    assert result.item == "page.html" and result.stage == "ingest"


def test_broken_markup_with_real_paragraphs_still_reads() -> None:
    body = (FIXTURES / "kyiv_monitor_drones.html").read_text(encoding="utf-8")
    broken = body.replace("</p>", "").replace("</article>", "").replace("</html>", "")[:-200]
    article = parse_html(broken)
    assert isinstance(article, Article)
    assert "attack drones at the Odesa region" in article.text


def test_missing_html_dependencies_are_reported_not_raised(monkeypatch) -> None:
    # lxml >= 5.2 needs the separate lxml_html_clean package for trafilatura's fallback
    monkeypatch.setitem(sys.modules, "trafilatura", None)  # makes the import fail
    result = parse_html("<html><body><p>Text.</p></body></html>", origin_path="x.html")
    assert isinstance(result, Rejected)
    assert result.code == Code.EXTRACT_FAILED.value
    assert "lxml_html_clean" in result.reason and result.item == "x.html"
