"""Renderers: the archive as offline HTML pages and PNG cards."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import TypeVar

from archiver.model import Tweet
from archiver.paths import safe_name
from archiver.platforms import X, platform_of_key

_NOT_HANDLE = re.compile(r"[^A-Za-z0-9_]+")
T = TypeVar("T")


def card_relpath(tweet: Tweet, ext: str) -> str:
    """Where a tweet's card lives inside the archive folder, e.g. ``tweets/jack/20.html``.

    Derived only from sanitised handle and key, so hostile input cannot steer it.
    """
    # Handles are [A-Za-z0-9_] on Twitter; anything else (a dot, a slash) is replaced, so a
    # folder never looks like a file ("0.html") or a path.
    handle = safe_name(_NOT_HANDLE.sub("_", tweet.handle or ""), fallback="_unknown")
    # By the key, not the record's platform field: callers that know only a key and a handle
    # (the search index, a merged-away record's files) must find the same file.
    if platform_of_key(tweet.key) == X:
        return f"tweets/{handle}/{safe_name(tweet.key)}.{ext}"
    # Other platforms' keys hold ":" and "/" (mapped to "_" by safe_name) and Threads codes
    # differ by case only: a digest of the exact key keeps two posts from sharing a file.
    digest = hashlib.sha256(tweet.key.encode("utf-8")).hexdigest()[:8]
    return f"tweets/{handle}/{safe_name(tweet.key)}-{digest}.{ext}"


def batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """``items`` in lists of ``size`` (the last shorter): streamed, never all at once."""
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch
