"""Saved HTML pages: main text and metadata from trafilatura, publication date from the page.

trafilatura (with htmldate inside) strips navigation, ads and footers and reads title, author
and site name. Its date has day precision only, so the page's own publication-time metadata is
read first: it usually carries the time and the UTC offset.
"""

from __future__ import annotations

import json
import re
from typing import Any

from claimscope.errors import Code
from claimscope.ingest.checks import detect_language, problem
from claimscope.ingest.dates import DateInfo, parse_date_value
from claimscope.ingest.ids import fingerprint, id_from, outlet_from_url
from claimscope.ingest.plaintext import body_paragraphs
from claimscope.records import Article, Rejected

# Publication-time metadata, most specific first (Open Graph, schema.org, Dublin Core, ...).
_DATE_XPATHS = (
    '//meta[@property="article:published_time" or @name="article:published_time"]/@content',
    '//meta[@property="og:article:published_time"]/@content',
    '//meta[@itemprop="datePublished"]/@content',
    '//*[@itemprop="datePublished"]/@datetime',
    (
        '//meta[@name="pubdate" or @name="publishdate" or @name="publish-date" or @name="date"'
        ' or @name="dc.date" or @name="DC.date.issued" or @name="dcterms.created"'
        ' or @name="parsely-pub-date" or @name="sailthru.date"]/@content'
    ),
)
_SECTION_XPATH = '//meta[@property="article:section" or @name="article:section"]/@content'
_JSON_LD_XPATH = '//script[@type="application/ld+json"]/text()'
_AUTHOR_SPLIT = re.compile(r"\s*;\s*")


def parse_html(
    html: str,
    *,
    url: str | None = None,
    origin_path: str | None = None,
    fallback_published: str | None = None,
) -> Article | Rejected:
    """An Article from a saved page, or Rejected (E006) when it has no article text.

    ``url`` (when given) is the article's URL, before the page's own; ``fallback_published``
    is a date used only when the page gives none (a WARC record's capture day).
    """
    item = origin_path or url or "-"
    try:
        # lxml >= 5.2 moved lxml.html.clean (which trafilatura's fallback extractor needs)
        # into the separate lxml_html_clean package; say so instead of failing obscurely.
        from trafilatura import bare_extraction
        from trafilatura.utils import load_html
    except ImportError as err:
        detail = f"HTML support needs trafilatura and lxml_html_clean installed ({err})"
        return problem(Code.EXTRACT_FAILED, detail).rejected(item)
    try:
        tree = load_html(html) if html.strip() else None
        if tree is None:
            return problem(Code.NO_MAIN_TEXT, "the HTML cannot be parsed").rejected(item)
        published = _published(tree)  # before extraction: trafilatura drops <head> metadata
        doc = bare_extraction(
            tree,
            url=url,
            with_metadata=True,
            include_comments=False,
            include_tables=False,
            date_extraction_params={"original_date": True, "extensive_search": True},
        )
    except Exception as err:  # noqa: BLE001 - lxml and trafilatura raise many types on bad markup
        detail = f"the HTML cannot be read ({type(err).__name__})"
        return problem(Code.NO_MAIN_TEXT, detail).rejected(item)
    text = getattr(doc, "text", None) or ""
    title = getattr(doc, "title", None)
    paragraphs, dropped = body_paragraphs(text.splitlines(), title=title)
    if not paragraphs:
        return problem(Code.NO_MAIN_TEXT).rejected(item)
    return _article(
        doc,
        paragraphs,
        dropped,
        published,
        url=url,
        fallback_published=fallback_published,
        origin_path=origin_path,
        section=_first(tree.xpath(_SECTION_XPATH)),
    )


def _article(
    doc: Any,
    paragraphs: list[str],
    dropped: list[str],
    published: DateInfo | None,
    *,
    url: str | None,
    origin_path: str | None,
    section: str | None,
    fallback_published: str | None = None,
) -> Article:
    page_url = url or doc.url
    if published is None and doc.date:
        published = parse_date_value(doc.date)  # htmldate's answer: a day, no time
    if published is None and fallback_published:
        published = parse_date_value(fallback_published)
    body = "\n\n".join(paragraphs)
    body_fingerprint = fingerprint(body)
    categories = [c for c in (doc.categories or []) if c.strip()]
    return Article(
        id=id_from(page_url, body_fingerprint),
        text=body,
        title=doc.title,
        url=page_url,
        outlet=doc.sitename or outlet_from_url(page_url),
        author=_authors(doc.author),
        published=published.value if published else None,
        published_text=published.text if published else None,
        published_zone=published.zone if published else None,
        published_precision=published.precision if published else None,
        section=section or (categories[0] if categories else None),
        lang=detect_language(body) or "en",
        fingerprint=body_fingerprint,
        origin_path=origin_path,
        dropped=tuple(dropped),
    )


def _published(tree: Any) -> DateInfo | None:
    for xpath in _DATE_XPATHS:
        for value in tree.xpath(xpath):
            if (found := parse_date_value(str(value))) is not None:
                return found
    for script in tree.xpath(_JSON_LD_XPATH):
        if (value := _json_ld_date(script)) and (found := parse_date_value(value)):
            return found
    return None


def _json_ld_date(script: str) -> str | None:
    try:
        data = json.loads(script)
    except ValueError:
        return None
    stack = [data]
    while stack:  # JSON-LD nests articles in lists and @graph arrays
        node = stack.pop(0)
        if isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, dict):
            if isinstance(node.get("datePublished"), str):
                return node["datePublished"]
            stack.extend(value for value in node.values() if isinstance(value, (list, dict)))
    return None


def _authors(value: str | None) -> str | None:
    """trafilatura joins several authors with "; " - write them as a byline would."""
    if not value:
        return None
    names = [name for name in _AUTHOR_SPLIT.split(value.strip()) if name]
    if len(names) <= 1:
        return names[0] if names else None
    return ", ".join(names[:-1]) + " and " + names[-1]


def _first(values: list[Any]) -> str | None:
    return next((str(value).strip() for value in values if str(value).strip()), None)
