"""Deterministic article ids, body fingerprints and URL helpers.

The id must not change when the same article is ingested twice, or reached through a link
that differs only by tracking parameters, so URLs are canonicalised before hashing.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Callable
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Query parameters that track the reader, not the page: dropping them keeps one id per article.
_TRACKING_PREFIXES = ("utm_", "mtm_", "pk_", "hsa_", "at_", "oly_", "vero_", "__hs")
# fmt: off
_TRACKING_NAMES = frozenset({
    "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid", "igshid",
    "mc_cid", "mc_eid", "_ga", "_gl", "ref", "ref_src", "referrer", "cmpid", "ocid", "smid",
    "smtyp", "ito", "spm", "s_cid", "ncid", "sr_share", "fromref",
})
# fmt: on
_DEFAULT_PORTS = {"http": "80", "https": "443"}


def canonical_url(url: str) -> str:
    """Lower-case scheme and host, no fragment, no tracking parameters, no trailing slash."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".")
    if parts.port is not None and str(parts.port) != _DEFAULT_PORTS.get(scheme):
        host = f"{host}:{parts.port}"
    query = sorted(
        (key, value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if not _is_tracking(key)
    )
    path = parts.path.rstrip("/")
    return urlunsplit((scheme, host, path, urlencode(query), ""))


def _is_tracking(key: str) -> bool:
    lowered = key.lower()
    return lowered in _TRACKING_NAMES or lowered.startswith(_TRACKING_PREFIXES)


def normalise_text(text: str) -> str:
    """NFKC, whitespace folded to single spaces, lower-cased: layout changes keep the hash."""
    return " ".join(unicodedata.normalize("NFKC", text).split()).lower()


def fingerprint(text: str) -> str:
    """Full sha1 of the normalised body, for spotting the same text under different URLs."""
    return hashlib.sha1(normalise_text(text).encode("utf-8")).hexdigest()


def article_id(*, url: str | None, text: str) -> str:
    """``a`` + 16 hex of the canonical URL's sha1, else ``t`` + 16 hex of the body's sha1."""
    return id_from(url, lambda: fingerprint(text))


def id_from(url: str | None, body_fingerprint: Callable[[], str] | str) -> str:
    """``article_id`` for callers that already hold the body's fingerprint (hash it once)."""
    if url and url.strip():
        digest = hashlib.sha1(canonical_url(url).encode("utf-8")).hexdigest()
        return "a" + digest[:16]
    value = body_fingerprint if isinstance(body_fingerprint, str) else body_fingerprint()
    return "t" + value[:16]


def outlet_from_url(url: str | None) -> str | None:
    """The registered domain ("www.bbc.co.uk" -> "bbc.co.uk"), using the public suffix list."""
    if not url:
        return None
    host = (urlsplit(url.strip()).hostname or "").rstrip(".")
    if not host:
        return None
    try:
        from tld import (
            get_fld,  # bundled public suffix list, installed with trafilatura
        )

        registered = get_fld(host, fix_protocol=True, fail_silently=True)
    except Exception:  # noqa: BLE001 - a malformed host must not stop ingest; use the host
        registered = None
    if registered:
        return registered
    return host.removeprefix("www.") if "." in host else None
