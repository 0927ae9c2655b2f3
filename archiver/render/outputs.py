"""``archiver render``: PNG cards, then the HTML site and JSON records, streamed and incremental.

PNG cards come first, so the pages written after them show them. Both halves keep what they
last did in the archive (``meta``): the PNG half its settings and the change number it reached,
so a second run draws only the cards of tweets changed since (and checks nothing else on disk);
the HTML half see ``archiver.render.site``. A selection (keys, handle, dates, source) renders
just those tweets' cards, whatever the state, and leaves the state alone.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from archiver import __version__
from archiver.model import Tweet
from archiver.queries import Selection
from archiver.render import batched
from archiver.render.png import render_png
from archiver.render.site import render_site, site_settings
from archiver.store import Archive

PNG_STATE = "render.png"
#: Cards handed to the PNG renderer at once (and so held in memory), per worker.
PNG_BATCH = 400
#: Below this many cards a worker process (about a second to start) is not worth it.
PNG_PER_WORKER = 50


@dataclass(frozen=True)
class Rendered:
    """What a render did: tweets it rendered, files written and left unchanged."""

    tweets: int
    written: int
    unchanged: int


def render_archive(
    archive: Archive,
    *,
    fmt: str = "html",
    selection: Selection | None = None,
    theme: str | None = None,
    scale: int = 2,
    force: bool = False,
    jobs: int = 1,
    out: Path | None = None,
) -> Rendered:
    """Render ``fmt`` (``html``, ``png``, ``json`` or ``all``) of the archive into ``out``."""
    out = archive.folder if out is None else Path(out)
    selected = selection is not None and selection != Selection()
    written = unchanged = 0
    tweets = archive.count(selection) if selected else archive.counts()["tweets"]
    if fmt in ("png", "all"):
        written, unchanged = _pngs(
            archive, out, selection if selected else None, theme, scale, force, jobs
        )
        site = site_settings(archive)
        if fmt == "png" and selected and site is not None and site["with_html"]:
            # The pages showing these tweets get their new PNG cards.
            report = render_site(archive, out, selection=selection, **site)
            written, unchanged = written + report.written, unchanged + report.unchanged
    if fmt in ("html", "json", "all"):
        report = render_site(
            archive,
            out,
            selection=selection if selected else None,
            theme=theme,
            force=force,
            with_json=fmt in ("json", "all"),
            with_html=fmt in ("html", "all"),
        )
        written, unchanged = written + report.written, unchanged + report.unchanged
    return Rendered(tweets, written, unchanged)


def _pngs(
    archive: Archive,
    out: Path,
    selection: Selection | None,
    theme: str | None,
    scale: int,
    force: bool,
    jobs: int,
) -> tuple[int, int]:
    settings = {"version": __version__, "theme": theme or "light", "scale": scale}
    change = archive.last_change()
    state = _state(archive)
    if selection is not None:
        tweets: Iterable[Tweet] = archive.iter_tweets(selection)
    elif not force and state.get("settings") == settings:
        tweets = archive.changed_since(int(state.get("change", 0)))
    else:
        tweets = archive.iter_tweets()
    written = unchanged = 0
    for batch in batched(tweets, PNG_BATCH * max(1, jobs)):
        workers = min(jobs, max(1, len(batch) // PNG_PER_WORKER))
        report = render_png(
            batch, out, theme=theme or "light", scale=scale, force=force, jobs=workers
        )
        written, unchanged = written + report.written, unchanged + report.unchanged
    if selection is None:
        archive.set_meta(PNG_STATE, json.dumps({"settings": settings, "change": change}))
    return written, unchanged


def _state(archive: Archive) -> dict[str, object]:
    try:
        state = json.loads(archive.get_meta(PNG_STATE) or "{}")
    except ValueError:
        return {}
    return state if isinstance(state, dict) else {}
