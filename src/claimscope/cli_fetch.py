"""``claimscope fetch URL...`` and ``claimscope watch FEEDS_FILE``: pages and feeds off the web.

Registered on the main ``app`` when ``claimscope.cli`` is imported. The work is in
``follow.py`` (what is stored, and when) and ``ingest/fetch.py`` (how a URL is fetched).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer

from claimscope import cli, cli_render as render
from claimscope.cli import Db, _err, _fail, _out, _store, app
from claimscope.follow import Follower, Tally, read_feeds_file
from claimscope.ingest.fetch import USER_AGENT, FetchOptions, Fetcher, Politeness
from claimscope.records import Article, Rejected
from claimscope.store import Store

AllowPrivate = Annotated[bool, typer.Option(
    "--allow-private", help="Also fetch from private, loopback, link-local and other non-public "
    "addresses (refused by default: a URL must not reach into your network).")]
AllowLoopback = Annotated[bool, typer.Option(
    "--allow-loopback", help="Also fetch from this machine (127.0.0.0/8, ::1) only; other "
    "private addresses stay refused.")]
Delay = Annotated[float, typer.Option("--delay", min=0.0, help="Seconds between two requests "
                                      "to the same host.")]
Timeout = Annotated[float, typer.Option("--timeout", min=0.1, help="Connect and read timeout "
                                        "in seconds; a whole response gets three times this.")]
MaxBytes = Annotated[int, typer.Option("--max-bytes", min=1, help="Largest response read; "
                                       "larger ones are refused (E003).")]
UserAgent = Annotated[str, typer.Option("--user-agent", help="Sent with every request and "
                                        "matched against robots.txt.")]
Strict = Annotated[bool, typer.Option(help="Exit 1 if any item was rejected.")]
Model = Annotated[str | None, typer.Option(help="spaCy model package or path.")]


@app.command()
def fetch(
    urls: Annotated[list[str], typer.Argument(help="Pages to fetch (http or https).")],
    db: Db = None,
    allow_private: AllowPrivate = False,
    allow_loopback: AllowLoopback = False,
    delay: Delay = 1.0,
    timeout: Timeout = 10.0,
    max_bytes: MaxBytes = 5_000_000,
    user_agent: UserAgent = USER_AGENT,
    strict: Strict = False,
    model: Model = None,
) -> None:
    """Fetch pages, extract their claims and store them; an unchanged page is not redone."""
    options = FetchOptions(timeout=timeout, max_bytes=max_bytes, delay=delay,
                           user_agent=user_agent, allow_loopback=allow_loopback,
                           allow_private=allow_private)
    started = time.monotonic()
    with _store(db) as store:
        tally = _follow(store, options, model, lambda follower: follower.fetch(urls))
    _summary(tally, time.monotonic() - started, store.url)
    if strict and tally.rejected:
        raise typer.Exit(1)


@app.command()
def watch(
    feeds_file: Annotated[Path, typer.Argument(help="One RSS or Atom feed URL per line; "
                                               "blank lines and # comments are skipped.")],
    db: Db = None,
    interval: Annotated[float, typer.Option("--interval", min=1.0, help="Seconds between "
                                            "rounds.")] = 900.0,
    once: Annotated[bool, typer.Option("--once", help="One round, then exit.")] = False,
    allow_private: AllowPrivate = False,
    allow_loopback: AllowLoopback = False,
    delay: Delay = 1.0,
    timeout: Timeout = 10.0,
    max_bytes: MaxBytes = 5_000_000,
    user_agent: UserAgent = USER_AGENT,
    strict: Strict = False,
    model: Model = None,
) -> None:
    """Poll feeds and store each new entry's article, once across restarts (stop any time)."""
    options = FetchOptions(timeout=timeout, max_bytes=max_bytes, delay=delay,
                           user_agent=user_agent, allow_loopback=allow_loopback,
                           allow_private=allow_private)
    politeness = Politeness(delay)  # kept across rounds; robots.txt is read again each round
    rejected = False
    with _store(db) as store:
        while True:
            started = time.monotonic()
            feeds = _feeds(feeds_file)  # read each round: edits apply without a restart
            tally = _follow(store, options, model,
                            lambda follower: follower.watch_round(feeds), politeness)
            _summary(tally, time.monotonic() - started, store.url, feeds=len(feeds))
            rejected = rejected or bool(tally.rejected)
            if once:
                break
            try:
                time.sleep(interval)
            except KeyboardInterrupt:
                break  # between rounds nothing is in flight: a clean stop
    if strict and rejected:
        raise typer.Exit(1)


def _feeds(path: Path) -> list[str]:
    try:
        return read_feeds_file(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        _fail(f"cannot read {path}: {getattr(exc, 'strerror', None) or exc}")


def _follow(store: Store, options: FetchOptions, model: str | None,
            work: Callable[[Follower], Tally], politeness: Politeness | None = None) -> Tally:
    """The work under a progress bar; rejections printed as they come, one line each."""
    err = _err()
    nlp = cli._load_model(model, err)  # looked up on the module: tests replace it
    with render.ingest_progress(err) as progress, Fetcher(options, politeness=politeness) as fetcher:
        task = progress.add_task("fetching", total=None)

        def report(item: Article | Rejected) -> None:
            if isinstance(item, Rejected):
                line = render.rejection_line(item)
                progress.console.print(line, markup=False, highlight=False, soft_wrap=True)
            progress.advance(task)

        follower = Follower(store, fetcher, progress=report, nlp=nlp, model=model, batch_size=1)
        return work(follower)


def _summary(tally: Tally, seconds: float, url: str, *, feeds: int | None = None) -> None:
    where = f"{feeds} feeds: " if feeds is not None else ""
    _out().print(
        f"{where}{tally.articles} articles, {tally.claims} claims, {tally.unchanged} unchanged, "
        f"{len(tally.rejected)} rejected in {seconds:.1f} s -> {url}",
        markup=False, highlight=False, soft_wrap=True,
    )
