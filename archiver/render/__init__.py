"""Renderers: the archive as offline HTML pages and PNG cards."""

from __future__ import annotations

from archiver.model import Tweet
from archiver.paths import safe_name


def card_relpath(tweet: Tweet, ext: str) -> str:
    """Where a tweet's card lives inside the archive folder, e.g. ``tweets/jack/20.html``.

    Derived only from sanitised handle and key, so hostile input cannot steer it.
    """
    handle = safe_name(tweet.handle or "", fallback="_unknown")
    return f"tweets/{handle}/{safe_name(tweet.key)}.{ext}"
