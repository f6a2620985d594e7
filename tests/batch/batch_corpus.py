"""A batch input written for the tests: the project's golden articles as JSONL, plus bad items."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]


def articles() -> list[dict[str, str]]:
    texts = sorted(TESTS.glob("golden/cases/*/article.txt")) + sorted(
        TESTS.glob("golden_events/cases/*.txt"))
    return [{"url": f"https://news.example.org/{path.parent.name}/{path.stem}",
             "text": path.read_text(encoding="utf-8")} for path in texts]


def write_corpus(folder: Path) -> Path:
    """``folder`` with one JSONL of articles (a bad line among them) and three bad files."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = [json.dumps(record) for record in articles()]
    lines.insert(5, "{not json")
    (folder / "articles.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "empty.txt").write_text("   \n", encoding="utf-8")
    (folder / "photo.html").write_bytes(bytes(range(256)) * 8)
    (folder / "bulletin.txt").write_text(
        "Bulletin du soir\n\nLes autorités locales ont annoncé mardi la réouverture du pont "
        "principal après trois jours de travaux, selon un communiqué de la mairie. Les habitants "
        "pourront de nouveau traverser la rivière à pied et en voiture dès mercredi matin. "
        "Le maire a remercié les ouvriers pour leur travail pendant le week-end et a promis "
        "que les autres ponts de la commune seraient inspectés avant la fin du mois.\n",
        encoding="utf-8")
    return folder


def batch(corpus: Path, url: str, *extra: str) -> subprocess.Popen:
    """``claimscope batch`` on ``corpus`` as a child process, job "crash-test"."""
    command = [sys.executable, "-m", "claimscope", "batch", str(corpus), "--db", url,
               "--batch-size", "2", "--job", "crash-test", *extra]
    # A session of its own, so kill -9 reaches the worker processes too.
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True, text=True)


def finish(process: subprocess.Popen, timeout: float = 300) -> str:
    out, err = process.communicate(timeout=timeout)
    assert process.returncode == 0, err[-3000:]
    return out
