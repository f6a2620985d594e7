"""claimscope as a spaCy pipeline component, for people who already run spaCy.

    nlp = spacy.load("en_core_web_sm")            # or claimscope.extract.load_nlp()
    nlp.add_pipe("claimscope")
    doc = nlp(text)
    doc._.claims                                   # tuple of claimscope.records.Claim

Set ``doc._.cs_published`` (a datetime) before the component runs to anchor relative dates.
Claims are kept in ``doc.user_data`` as plain data, so they survive ``nlp.pipe(n_process=2)``
and ``Doc.to_bytes``; the ``claims`` getter rebuilds the typed records.
"""

from __future__ import annotations

from datetime import datetime

from spacy.language import Language
from spacy.tokens import Doc

from claimscope.extract.claims import claims_from_doc
from claimscope.extract.nlp import forget_text
from claimscope.ingest.ids import article_id, fingerprint
from claimscope.records import Article, Claim, claim_from_plain, to_plain

_KEY = "claimscope.claims"


def _claims(doc: Doc) -> tuple[Claim, ...]:
    return tuple(claim_from_plain(data) for data in doc.user_data.get(_KEY, ()))


if not Doc.has_extension("claims"):
    Doc.set_extension("claims", getter=_claims)
if not Doc.has_extension("cs_published"):
    Doc.set_extension("cs_published", default=None)


class ClaimscopeComponent:
    def __init__(self, nlp: Language, name: str, outlet: str | None) -> None:
        self.name = name
        self.outlet = outlet

    def __call__(self, doc: Doc) -> Doc:
        published = doc._.cs_published if isinstance(doc._.cs_published, datetime) else None
        article = Article(id=article_id(url=None, text=doc.text), text=doc.text, outlet=self.outlet,
                          published=published, fingerprint=fingerprint(doc.text))
        doc.user_data[_KEY] = [to_plain(claim) for claim in claims_from_doc(doc, article)]
        forget_text(doc)
        return doc


@Language.factory(
    "claimscope",
    default_config={"outlet": None},
    requires=["token.dep", "token.pos", "token.lemma", "doc.ents", "doc.sents"],
    assigns=["doc._.claims"],
)
def make_claimscope(nlp: Language, name: str, outlet: str | None) -> ClaimscopeComponent:
    return ClaimscopeComponent(nlp, name, outlet)
