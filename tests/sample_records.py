"""Hand-built records and a stand-in extractor for the store, pipeline and CLI tests.

Not a test module (no ``test_`` prefix): the tests import it by name, as pytest puts
``tests/`` on the import path.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone

from claimscope.records import (
    Article,
    Certainty,
    ChainLink,
    Claim,
    ClaimKind,
    Extraction,
    Figure,
    FigureType,
    Origin,
    Source,
    SourceType,
    TextSpan,
    TimeExpr,
    TimePrecision,
)

TEXT = (
    "A mercenary, Dian Yuzhang, claimed that eight people died in a single day.\n\n"
    "Officials said several soldiers were arrested after trying to flee."
)
TITLE = "Eight officers die in a day"
CET = timezone(timedelta(hours=1), "CET")


def span(text: str, part: str, field: str = "text") -> TextSpan:
    start = text.index(part)
    return TextSpan(start, start + len(part), part, field)


def article(article_id: str = "a1", text: str = TEXT) -> Article:
    return Article(
        id=article_id,
        text=text,
        title=TITLE,
        url="https://news.example/eight",
        outlet="Example News",
        author="Jane Reporter",
        published=datetime(2024, 10, 22, 9, 3, tzinfo=CET),
        published_text="Oct.22 - 2024 9:03 AM CET",
        published_zone="CET",
        published_precision="minute",
        fingerprint="f" * 16,
        origin_path="fixtures/eight.txt",
        teasers=("A short teaser.",),
        dropped=("Photo: agency",),
    )


def mercenary_claim(article_id: str = "a1") -> Claim:
    return Claim(
        id=f"{article_id}-c1",
        article_id=article_id,
        content=span(TEXT, "eight people died in a single day"),
        source=Source(
            name="Dian Yuzhang",
            type=SourceType.COMBATANT,
            span=span(TEXT, "Dian Yuzhang"),
            description="mercenary",
            resolved_from=span(TEXT, "A mercenary"),
        ),
        cue=span(TEXT, "claimed"),
        certainty=Certainty.CLAIMED,
        kind=ClaimKind.EVENT,
        chain=(
            ChainLink("source", "Dian Yuzhang", span(TEXT, "Dian Yuzhang")),
            ChainLink("channel", "social media"),
            ChainLink("outlet", "Example News"),
        ),
        channel="social media",
        figures=(Figure(FigureType.KILLED, 8, 8, 8, False, span(TEXT, "eight people died")),),
        times=(
            TimeExpr(
                span(TEXT, "in a single day"),
                date(2024, 10, 20),
                None,
                TimePrecision.UNKNOWN,
                note="before 2024-10-22",
            ),
        ),
        confidence=0.75,
    )


def officials_claim(article_id: str = "a1") -> Claim:
    return Claim(
        id=f"{article_id}-c2",
        article_id=article_id,
        content=span(TEXT, "several soldiers were arrested after trying to flee"),
        source=Source("officials", SourceType.OFFICIAL_ANONYMOUS, span(TEXT, "Officials")),
        cue=span(TEXT, "said"),
        certainty=Certainty.ASSERTED,
        kind=ClaimKind.EVENT,
        figures=(
            Figure(
                FigureType.ARRESTED,
                3,
                5,
                9,
                True,
                span(TEXT, "several soldiers"),
                qualifier="several",
            ),
            Figure(
                FigureType.DESERTED,
                None,
                None,
                None,
                False,
                span(TEXT, "trying to flee"),
                qualifier="some",
            ),
        ),
    )


def headline_claim(article_id: str = "a1") -> Claim:
    return Claim(
        id=f"{article_id}-h1",
        article_id=article_id,
        content=span(TITLE, "Eight officers die", field="title"),
        source=Source("Example News", SourceType.OUTLET, None),
        cue=None,
        certainty=Certainty.ASSERTED,
        kind=ClaimKind.EVENT,
        origin=Origin.HEADLINE,
        restates=f"{article_id}-c1",
    )


def extraction(article_id: str = "a1") -> Extraction:
    claims = (mercenary_claim(article_id), officials_claim(article_id), headline_claim(article_id))
    return Extraction(article(article_id), claims)


def fake_extract(
    articles: Iterable[Article], *, nlp: object = None, n_process: int = 1, batch_size: int = 16
) -> Iterator[Extraction]:
    """A stand-in for ``extract_articles``: one asserted claim per sentence with " said ".

    Raises on an article whose text contains "BOOM", like an extractor bug would.
    """
    for item in articles:
        if "BOOM" in item.text:
            raise RuntimeError("extractor exploded")
        yield Extraction(item, tuple(_said_claims(item)))


def _said_claims(item: Article) -> Iterator[Claim]:
    for match in re.finditer(r"([A-Z][^.]*?) said ([^.]+)", item.text):
        content = TextSpan(match.start(2), match.end(2), match.group(2))
        cue_start = match.end(1) + 1
        yield Claim(
            id=hashlib.sha1(f"{item.id}:{match.start()}".encode()).hexdigest()[:16],
            article_id=item.id,
            content=content,
            source=Source(
                match.group(1),
                SourceType.OUTLET,
                TextSpan(match.start(1), match.end(1), match.group(1)),
            ),
            cue=TextSpan(cue_start, cue_start + 4, "said"),
            certainty=Certainty.ASSERTED,
            kind=ClaimKind.EVENT,
        )


def plain_article(article_id: str, text: str) -> Article:
    """A minimal article, as ingest might hand one over."""
    return Article(id=article_id, text=text, origin_path=f"{article_id}.txt")


def dated_extractions() -> list[Extraction]:
    """Three articles, written in this order: published late, undated, published early (in
    another zone). Reading order: early, late, undated."""
    def dated(article_id: str, published: datetime | None) -> Extraction:
        found = extraction(article_id)
        return Extraction(replace(found.article, published=published), found.claims)

    return [dated("late", datetime(2024, 10, 23, 8, 0, tzinfo=CET)), dated("undated", None),
            dated("early", datetime(2024, 10, 22, 23, 30, tzinfo=timezone(timedelta(hours=-5))))]


def write_before_0005(conn, extractions: Iterable[Extraction]) -> None:  # noqa: ANN001
    """Articles and claims (no figures, times or events) as the writer stored them before
    migration 0005 gave claims their article's date, on a connection to an older store."""
    from sqlalchemy import insert

    from claimscope.store import writer
    from claimscope.store.schema import articles, claims

    now = datetime.now(timezone.utc)
    for found in extractions:
        conn.execute(insert(articles), writer._article_row(found.article, now))
        rows = [writer._claim_row(claim, i, None) for i, claim in enumerate(found.claims)]
        for row in rows:
            del row["published"]
        conn.execute(insert(claims), rows)


def use_stand_in_extractor(monkeypatch) -> None:
    """CLI runs extract with ``fake_extract`` and load no model (*_rest: whatever else the
    pipeline passes its extractor factory and the CLI its model loader)."""
    from claimscope import cli, pipeline

    monkeypatch.setattr(pipeline, "_real_extractor", lambda nlp, *_rest: (fake_extract, nlp))
    monkeypatch.setattr(cli, "_load_model", lambda model, err, *_rest: None)


def cli_runner():
    """A CliRunner wide enough that Rich tables do not fold the cells tests look for."""
    from typer.testing import CliRunner

    return CliRunner(env={"COLUMNS": "200", "CLAIMSCOPE_DB": None, "NO_COLOR": "1"})
