"""The CLI's renderings: figure wording and highlighted spans."""

from __future__ import annotations

import pytest
from sample_records import TEXT, extraction, span

from claimscope import cli_render as render
from claimscope.cli_render import figure_text, highlighted, rejection_line, shorten
from claimscope.records import Figure, FigureType, Rejected


def fig(low, best, high, *, approx=False, qualifier=None, derived=False, kind=FigureType.KILLED):
    return Figure(kind, low, best, high, approx, span(TEXT, "eight"), derived, qualifier)


@pytest.mark.parametrize(
    ("figure", "expected"),
    [
        (fig(8, 8, 8), "killed: 8"),
        (fig(1500, 1500, 1500), "killed: 1,500"),
        (fig(300, 300, 300, approx=True), "killed: ~300"),
        (fig(3, 5, 9, approx=True, qualifier="several", kind=FigureType.ARRESTED),
         "arrested: several (3/5/9)"),
        (fig(None, None, None, qualifier="some", kind=FigureType.DESERTED), "deserted: some"),
        (fig(None, None, None), "killed: unspecified"),
        (fig(100, 100, None), "killed: at least 100"),
        (fig(None, 30, 30), "killed: up to 30"),
        (fig(None, 30, 30, approx=True), "killed: up to ~30"),
        (fig(10, 15, 20), "killed: 10-20"),
        (fig(3667, 3667, 3667, derived=True), "killed: 3,667 (derived)"),
    ],
)  # fmt: skip
def test_figure_text(figure, expected):
    assert figure_text(figure) == expected


def test_highlights_layer_source_and_cue_over_content():
    claims = extraction().claims
    text = highlighted(TEXT, claims, "text")
    styles = {(s.start, s.end): str(s.style) for s in text.spans}
    cue = span(TEXT, "claimed")
    source = span(TEXT, "Dian Yuzhang")
    assert styles[(cue.start, cue.end)] == "bold yellow"
    assert styles[(source.start, source.end)] == "bold magenta"
    assert "underline cyan" in styles.values()
    # The headline claim's span indexes the title, so it is not drawn on the body.
    title = highlighted("Eight officers die in a day", claims, "title")
    assert [(s.start, s.end) for s in title.spans] == [(0, 18)]


def test_markup_in_article_text_is_not_interpreted():
    assert highlighted("[bold]x[/bold]", (), "text").plain == "[bold]x[/bold]"


def test_rejection_line_and_shorten():
    line = rejection_line(Rejected("a.bin", "ingest", "E002", "binary"))
    assert line == "rejected [E002] a.bin: binary"
    assert shorten("word " * 50, 20).endswith("…") and len(shorten("word " * 50, 20)) == 20


def test_progress_shows_documents_per_second_share_done_and_time_left():
    import io

    from rich.console import Console

    out = io.StringIO()
    console = Console(file=out, force_terminal=True, width=160, color_system=None)
    with render.ingest_progress(console) as progress:
        task = progress.add_task("batch", total=1000, docs=0)
        progress.update(task, completed=250, docs=12)
        progress.refresh()
    shown = out.getvalue()
    assert "25%" in shown and "12 documents" in shown and "documents/s" in shown
    assert "left" in shown
