"""The site at a size: 5,000 distinct tweets, incremental renders, selection, the tokenizer.

The archive comes from ``benchmarks/distinct.py`` (six languages, mentions, hashtags,
cashtags, ~1,250 handles, 2010–2024), built once per module.
"""

from __future__ import annotations

import importlib.util
import shutil
import sqlite3
import sys
from dataclasses import replace
from pathlib import Path
from types import ModuleType

import pytest

from archiver.model import Document, Found
from archiver.queries import Selection
from archiver.render import card_relpath
from archiver.render.outputs import render_archive
from archiver.render.site import PER_PAGE, render_site
from archiver.render.terms import words
from archiver.store import Archive

from .conftest import ROOT

SIZE = 5000


def distinct() -> ModuleType:
    """benchmarks/distinct.py, imported by path (benchmarks/ is not a package)."""
    spec = importlib.util.spec_from_file_location("bench_distinct", ROOT / "benchmarks/distinct.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def build(folder: Path, n: int, seed: int = 0) -> Path:
    """An archive of ``n`` distinct tweets (ten an article) in ``folder``."""
    documents = list(distinct().distinct_documents(n, seed=seed))
    with Archive(folder) as archive:
        for start in range(0, len(documents), 100):
            archive.save_documents(documents[start : start + 100])
    return folder


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """5,000 distinct tweets, rendered."""
    folder = build(tmp_path_factory.mktemp("site"), SIZE)
    with Archive(folder) as archive:
        render_site(archive)
    return folder


def files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in folder.rglob("*")
        if p.is_file() and not p.name.startswith("archive.sqlite")
    }


def test_tokenizer_splits_and_folds_as_sqlite_fts5_does() -> None:
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE VIRTUAL TABLE f USING fts5(t, tokenize='unicode61 remove_diacritics 2')")
    conn.execute("CREATE VIRTUAL TABLE v USING fts5vocab(f, 'instance')")
    samples = [
        "がぎ café Ñandú ǅemal Straße İstanbul ŞĞ ١٢٣ كَتَبَ x_y a-b résumé ﬁ ＡＢＣ Ⅻ ½ ①",
        "e\u0301 ẞ Ωmega ḱ ə x\u0300y 日本語テキスト😀ok a\u200db йЁё άέΆ ǖ Ǻ ȁ ḁ ỳ Ỹ ț ș Ł đ ı",
        "@Val_Plante #CORIM $TSLA https://t.co/abc pic.twitter.com/x Ünïcödé",
        *(t.text for t in distinct().distinct_tweets(300, seed=3)),
    ]
    for sample in samples:
        conn.execute("DELETE FROM f")
        conn.execute("INSERT INTO f VALUES (?)", (sample,))
        expected = [r[0] for r in conn.execute("SELECT term FROM v ORDER BY offset")]
        assert words(sample) == expected, sample


def test_every_tweet_has_a_card_and_a_listing_page(site: Path) -> None:
    with Archive(site) as archive:
        tweets = list(archive.iter_tweets())
    assert len(tweets) == SIZE
    listed: dict[str, int] = {}
    for page in (site / "months").rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        for key in text.split('id="t-')[1:]:
            key = key.split('"', 1)[0]
            listed[key] = listed.get(key, 0) + 1
    assert listed == {t.key: 1 for t in tweets}
    assert all((site / card_relpath(t, "html")).is_file() for t in tweets)
    # Listings hold PER_PAGE cards a page; only the newest (highest number) holds fewer.
    longest = 0
    for folder in [*(site / "months").iterdir(), *(site / "handles").iterdir()]:
        numbers = sorted(int(p.stem) for p in folder.glob("*.html"))
        assert numbers == list(range(1, len(numbers) + 1))
        counts = [
            (folder / f"{n}.html").read_text().count('<article class="tweet') for n in numbers
        ]
        assert all(c == PER_PAGE for c in counts[:-1]) and 0 < counts[-1] <= PER_PAGE
        longest = max(longest, len(numbers))
    assert longest > 2
    assert (site / "index.html").stat().st_size < 2 * 1024 * 1024


def test_incremental_render_equals_a_full_one_and_rewrites_little(
    site: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "grown"
    shutil.copytree(site, folder)
    documents = list(distinct().distinct_documents(90, per_page=10, seed=11))
    with Archive(folder) as archive:
        before = files(folder)
        top = archive.conn.execute(
            "SELECT handle FROM tweets GROUP BY handle ORDER BY count(*) DESC LIMIT 1"
        ).fetchone()[0]
        # A third by the most prolific handle at the new end (its listing grows by pages),
        # a third by it in the middle of its years, a third as they come.
        documents = [
            Document(
                d.source,
                tuple(
                    Found(
                        replace(
                            f.tweet,
                            handle=top,
                            created_at=f"{2025 if k < 3 else 2017}-01-{1 + i:02d}T10:{k:02d}:00Z",
                        )
                        if k < 6
                        else f.tweet,
                        f.snippet,
                        f.markup,
                    )
                    for i, f in enumerate(d.found)
                ),
            )
            for k, d in enumerate(documents)
        ]
        archive.save_documents(documents)
        report = render_site(archive)
        new = [f.tweet for d in documents for f in d.found]
    after = files(folder)
    changed = {p for p in after if before.get(p) != after[p]}
    assert set(report.paths) == changed
    # The new cards, their article pages, and a bounded number of listing and index files.
    assert {card_relpath(t, "html") for t in new} <= changed
    listing = {p for p in changed if p.startswith(("months/", "handles/"))}
    assert len(listing) <= 90 * 2 + 40
    assert len(changed) < len(after) / 10

    reference = tmp_path / "reference"
    reference.mkdir()
    shutil.copy(folder / "archive.sqlite", reference / "archive.sqlite")
    with Archive(reference) as archive:
        archive.conn.execute("DELETE FROM meta WHERE name = 'render.html'")
        render_site(archive)
    assert files(reference) == after


def test_merged_records_leave_every_page(site: Path, tmp_path: Path) -> None:
    folder = tmp_path / "merged"
    shutil.copytree(site, folder)
    with Archive(folder) as archive:
        victim = next(archive.iter_tweets(Selection(limit=1)))
        archive.conn.execute("DELETE FROM tweets WHERE key = ?", (victim.key,))
        archive.conn.execute(
            "INSERT INTO gone (key, seq, handle, sort_time) VALUES (?, ?, ?, ?)",
            (victim.key, archive.last_change() + 1, victim.handle, victim.created_at),
        )
        render_site(archive)
    assert not (folder / card_relpath(victim, "html")).exists()
    for page in folder.rglob("*.html"):
        assert f'id="t-{victim.key}"' not in page.read_text(encoding="utf-8")
    for script in (folder / "search").rglob("*.js"):
        assert victim.key not in script.read_text(encoding="utf-8")


def test_a_selection_renders_only_its_cards(tmp_path: Path) -> None:
    folder = build(tmp_path / "sel", 300)
    with Archive(folder) as archive:
        one = next(archive.iter_tweets(Selection(limit=1, since="2015-01-01")))
        done = render_archive(archive, fmt="all", selection=Selection(keys=(one.key,)))
    written = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
    assert done.tweets == 1
    assert written - {"archive.sqlite", "archive.sqlite-wal", "archive.sqlite-shm"} == {
        card_relpath(one, "png"),
        card_relpath(one, "html"),
        card_relpath(one, "json"),
    }


def test_a_png_rendered_later_shows_on_the_pages_that_list_it(tmp_path: Path) -> None:
    folder = build(tmp_path / "png", 200)
    with Archive(folder) as archive:
        render_archive(archive, fmt="html")
        one = next(archive.iter_tweets(Selection(limit=1)))
        render_archive(archive, fmt="png", selection=Selection(keys=(one.id or one.key,)))
    png = card_relpath(one, "png")
    assert (folder / png).is_file()
    assert f'src="../../{png}"' in (folder / card_relpath(one, "html")).read_text()
    newest = sorted((folder / "months").iterdir())[-1]
    page = max(newest.glob("*.html"), key=lambda p: int(p.stem))
    assert f'src="../../{png}"' in page.read_text()
    chunks = "".join(p.read_text() for p in (folder / "search" / "d").glob("*.js"))
    assert f'"{png}"' in chunks
