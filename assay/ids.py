"""Stable identities: the same article always gets the same id, the same chunk the same id."""

from __future__ import annotations

import hashlib
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Query parameters that track the reader, not the article.
_TRACKING_PREFIXES = ("utm_", "mc_", "fbclid", "gclid", "ref", "cmpid", "_hs")


def canonical_url(url: str) -> str:
    """Lower-case scheme and host, no fragment, no default port, no tracking parameters."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    if parts.port and (parts.scheme, parts.port) not in (("http", 80), ("https", 443)):
        host = f"{host}:{parts.port}"
    query = urlencode(
        sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not k.lower().startswith(_TRACKING_PREFIXES))
    )
    return urlunsplit((parts.scheme.lower(), host, parts.path or "/", query, ""))


def _short_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def article_id(url: str | None, body: str, story_id: str | None = None) -> str:
    """From the canonical URL; else from a wire story's id; else from the content (a local text file, say)."""
    return _short_hash(canonical_url(url) if url else f"story:{story_id}" if story_id else "content:" + body)


def chunk_id(article: str, index: int, text: str) -> str:
    """Same article, position and text: same id, so re-upserting a chunk is a no-op."""
    return f"{article}-{index:04d}-{hashlib.sha256(text.encode()).hexdigest()[:8]}"
