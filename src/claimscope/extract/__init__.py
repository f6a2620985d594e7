"""extract stage: Article -> Extraction (claims with sources, cues, certainty, figures, times).

spaCy objects stay inside this package; callers get records only.
"""

from __future__ import annotations

import sys
import types
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace

from spacy.language import Language

from claimscope.extract import component as _component  # registers nlp.add_pipe("claimscope")
from claimscope.extract.claims import claims_from_doc
from claimscope.extract.events import events_from_doc
from claimscope.extract.nlp import forget_text, load_nlp
from claimscope.extract.sources import SpeakerMemory
from claimscope.records import Article, Claim, Extraction, Origin

__all__ = ["extract_article", "extract_articles", "extract_many", "extract_text", "load_nlp"]


def extract_text(text: str, *, published: datetime | None = None, url: str | None = None,
                 title: str | None = None, model: str | None = None) -> Extraction:
    """Claims in ``text`` (taken verbatim as the article body: offsets index into it).

    ``published`` anchors relative dates ("last Tuesday"); ``url`` gives the outlet and a
    deterministic article id. To read files with headlines, bylines and furniture, use
    ``claimscope ingest`` or ``claimscope.ingest.read_items``.
    """
    return extract_article(_article(text, published, url, title), nlp=load_nlp(model))


def extract_many(texts: Iterable[str], *, n_process: int = 1, batch_size: int = 16,
                 model: str | None = None) -> Iterator[Extraction]:
    """``extract_text`` over many texts, in order, using ``n_process`` processes."""
    articles = (_article(text, None, None, None) for text in texts)
    yield from extract_articles(articles, n_process=n_process, batch_size=batch_size, model=model)


def _article(text: str, published: datetime | None, url: str | None, title: str | None) -> Article:
    from claimscope.ingest.ids import article_id, fingerprint, outlet_from_url

    return Article(id=article_id(url=url, text=text), text=text, title=title, url=url,
                   outlet=outlet_from_url(url) if url else None, published=published,
                   fingerprint=fingerprint(text))


class _CallableModule(types.ModuleType):
    """Lets ``claimscope.extract(text)`` work although ``claimscope.extract`` is this package:
    Python rebinds the parent's attribute to the subpackage on import, so the function cannot
    live beside it under the same name."""

    def __call__(self, text: str, **options) -> Extraction:
        return extract_text(text, **options)


sys.modules[__name__].__class__ = _CallableModule


def extract_article(article: Article, *, nlp: Language) -> Extraction:
    doc = nlp(article.text)
    return _extraction(article, doc, _extra_docs(article, nlp))


def extract_articles(articles: Iterable[Article], *, nlp: Language | None = None,
                     n_process: int = 1, batch_size: int = 16, model: str | None = None,
                     then: Callable[[Extraction], Extraction] | None = None) -> Iterator[Extraction]:
    """Extractions in input order. With ``n_process`` > 1 each worker process loads the
    model once and runs parsing *and* claim extraction, so both cores do all the work.
    ``then`` (a module-level function, so it can be sent to workers) runs on each extraction
    where it was made: the pipeline passes the resolve stage, so it too uses both cores."""
    if n_process <= 1:
        nlp = nlp or load_nlp(model)
        yield from _finished(_extract_batch_local(articles, nlp, batch_size), then)
        return
    with ProcessPoolExecutor(max_workers=n_process, initializer=_init_worker,
                             initargs=(model, then)) as pool:
        chunks = _chunks(articles, batch_size)
        pending = []
        for chunk in chunks:
            pending.append(pool.submit(_worker_batch, chunk))
            if len(pending) >= n_process * 2:
                yield from pending.pop(0).result()
        for future in pending:
            yield from future.result()


def _extract_batch_local(articles: Iterable[Article], nlp: Language, batch_size: int) -> Iterator[Extraction]:
    for chunk in _chunks(articles, batch_size):
        docs = nlp.pipe([a.text for a in chunk], batch_size=batch_size)
        for article, doc in zip(chunk, docs):
            yield _extraction(article, doc, _extra_docs(article, nlp))


_WORKER_NLP: Language | None = None
_WORKER_THEN: Callable[[Extraction], Extraction] | None = None


def _init_worker(model: str | None, then: Callable[[Extraction], Extraction] | None = None) -> None:
    global _WORKER_NLP, _WORKER_THEN
    _WORKER_NLP = load_nlp(model)
    _WORKER_THEN = then


def _worker_batch(chunk: list[Article]) -> list[Extraction]:
    assert _WORKER_NLP is not None, "worker initialiser did not run"
    return list(_finished(_extract_batch_local(chunk, _WORKER_NLP, len(chunk)), _WORKER_THEN))


def _finished(extractions: Iterable[Extraction],
              then: Callable[[Extraction], Extraction] | None) -> Iterator[Extraction]:
    for extraction in extractions:
        yield then(extraction) if then is not None else extraction


# Characters per document a batch may average. spaCy's working memory during a batch grows
# with the batch's text: cut by count alone, a batch that happens to gather long articles
# raises a worker's peak memory by hundreds of MB (PolNeAR: 400 to 670 MB for 16 documents),
# so the peak grew with the corpus, by chance. Cut by text too, the peak stays flat.
CHARS_PER_DOCUMENT = 5_000


def _chunks(items: Iterable[Article], size: int) -> Iterator[list[Article]]:
    """Batches of at most ``size`` articles and ``size * CHARS_PER_DOCUMENT`` characters (a
    longer article alone)."""
    budget = size * CHARS_PER_DOCUMENT
    chunk: list[Article] = []
    chars = 0
    for article in items:
        if chunk and chars + len(article.text) > budget:
            yield chunk
            chunk, chars = [], 0
        chunk.append(article)
        chars += len(article.text)
        if len(chunk) >= size:  # full: sent at once, not when the next article comes
            yield chunk
            chunk, chars = [], 0
    if chunk:
        yield chunk


def _extra_docs(article: Article, nlp: Language) -> list[tuple[str, Origin, object]]:
    extra = []
    if article.title:
        extra.append(("title", Origin.HEADLINE, nlp(article.title)))
    for index, teaser in enumerate(article.teasers):
        extra.append((f"teaser{index}", Origin.TEASER, nlp(teaser)))
    return extra


def _extraction(article: Article, doc, extra_docs) -> Extraction:
    memory = SpeakerMemory()
    body = claims_from_doc(doc, article, memory=memory)
    events = events_from_doc(doc, body, article)
    others: list[Claim] = []
    for field, origin, extra_doc in extra_docs:
        extra = [replace(claim, restates=_restated(claim, body))
                 for claim in claims_from_doc(extra_doc, article, field=field, origin=origin, memory=memory)]
        events.extend(events_from_doc(extra_doc, extra, article))
        others.extend(extra)
        forget_text(extra_doc)
    forget_text(doc)
    return Extraction(article=article, claims=tuple(body + others), events=tuple(events))


def _restated(claim: Claim, body: list[Claim]) -> str | None:
    """The body claim a headline or teaser claim repeats: same figure, or mostly the same words."""
    for figure in claim.figures:
        for candidate in body:
            if any(f.type == figure.type and f.best == figure.best for f in candidate.figures):
                return candidate.id
    words = _words(claim.content.text)
    best_id, best_overlap = None, 0.0
    for candidate in body:
        overlap = len(words & _words(candidate.content.text)) / max(len(words), 1)
        if overlap > best_overlap:
            best_id, best_overlap = candidate.id, overlap
    return best_id if best_overlap >= 0.6 else None


def _words(text: str) -> set[str]:
    return {w for w in text.lower().replace(",", " ").replace(".", " ").split() if len(w) > 3}
