"""Shared by the browser tests and their conftest: the accounts, the hostile article, and a
page wrapper that records JavaScript dialogs and errors. (Not a test module.)"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from claimscope.records import (
    Article, Certainty, ChainLink, Claim, ClaimKind, Extraction, Figure, FigureType, Source,
    SourceType, TextSpan,
)

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
CORPUS = REPO / "tests" / "corroboration" / "corpus.jsonl"
EXAMPLES = REPO / "src" / "claimscope" / "examples"
CHROMIUM = Path("/usr/bin/chromium")
REVIEWER = ("rita", "reviewer-pass-1")
VIEWER = ("victor", "viewer-pass-1")

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
HOSTILE_TITLE = f"Officials say {SCRIPT} nothing happened"
HOSTILE_TEXT = (
    f"A spokesman {IMG} said that {SCRIPT} twelve soldiers were killed near Kharkiv on Monday.\n\n"
    "Residents said the shelling lasted <b>two hours</b> & more."
)
HOSTILE_ID = "xss0000000000001"


def hostile_extraction() -> Extraction:
    """An article whose title, text, source and content spans hold markup and script."""
    text = HOSTILE_TEXT

    def span(part: str, field: str = "text", within: str = text) -> TextSpan:
        start = within.index(part)
        return TextSpan(start, start + len(part), part, field)

    source_text = f"A spokesman {IMG}"
    content = f"{SCRIPT} twelve soldiers were killed near Kharkiv on Monday"
    claim = Claim(
        id=f"{HOSTILE_ID}:t0", article_id=HOSTILE_ID, content=span(content),
        source=Source(f"spokesman {IMG}", SourceType.MILITARY, span(source_text),
                      description=f"described as {SCRIPT}"),
        cue=span("said"), certainty=Certainty.ASSERTED, kind=ClaimKind.EVENT,
        chain=(ChainLink("source", f"spokesman {IMG}"), ChainLink("outlet", f"Outlet {SCRIPT}")),
        figures=(Figure(FigureType.KILLED, 12, 12, 12, False, span("twelve soldiers")),),
    )
    headline = Claim(
        id=f"{HOSTILE_ID}:h0", article_id=HOSTILE_ID,
        content=span(f"{SCRIPT} nothing happened", "title", HOSTILE_TITLE),
        source=Source("Officials", SourceType.GOVERNMENT, span("Officials", "title", HOSTILE_TITLE)),
        cue=span("say", "title", HOSTILE_TITLE), certainty=Certainty.ASSERTED, kind=ClaimKind.EVENT,
    )
    article = Article(id=HOSTILE_ID, text=text, title=HOSTILE_TITLE, outlet=f"evil {IMG}",
                      author=SCRIPT, url="javascript:alert(1)",
                      published=datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc))
    return Extraction(article=article, claims=(claim, headline))


class Watched:
    """A page with every JavaScript dialog and uncaught error recorded (none may happen)."""

    def __init__(self, page, base_url: str) -> None:
        self.page = page
        self.base_url = base_url
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        page.on("dialog", self._dialog)
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))

    def _dialog(self, dialog) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def go(self, path: str):
        response = self.page.goto(self.base_url + path)
        return response

    def login(self, username: str, password: str) -> None:
        self.go("/login")
        self.page.fill("input[name=username]", username)
        self.page.fill("input[name=password]", password)
        self.page.click("form[action='/login'] button[type=submit]")
        self.page.wait_for_load_state()

    def shot(self, name: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path
