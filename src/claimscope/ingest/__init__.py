"""Ingest stage: files, directories and standard input become Articles (or coded Rejections).

Plain text saved from news pages (.txt/.text/.md), saved HTML (.html/.htm) and JSON Lines
(.jsonl/.ndjson) are read, and corpora streamed record by record (``corpora``): WARC
(.warc/.warc.gz), compressed JSON Lines (.jsonl.gz/.jsonl.zst, .ndjson too) and Parquet;
see ``read_items``.
"""

from claimscope.ingest.html import parse_html
from claimscope.ingest.ids import article_id, canonical_url, fingerprint
from claimscope.ingest.plaintext import parse_plain_article
from claimscope.ingest.reader import read_items

__all__ = [
    "article_id",
    "canonical_url",
    "fingerprint",
    "parse_html",
    "parse_plain_article",
    "read_items",
]
