"""The SQLite archive: idempotence, merging copies of a tweet, queries, schema version."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from archiver.errors import ArchiveError, NotFoundError
from archiver.extract import extract_bytes
from archiver.model import Document, Tweet
from archiver.queries import Selection
from archiver.store import SCHEMA_VERSION, Archive

from .conftest import SEEDS, SHARED

SOCIAL = SHARED / "corpus-social"

SEED = SEEDS / "aimf-corim-villes-diplomatie-2023.txt"

EMBED = (
    '<blockquote class="twitter-tweet"><p lang="fr" dir="ltr">Les villes s’imposent comme des '
    "actrices incontournables des relations internationales.<br>J’en discuterai aujourd’hui au "
    "Conseil des relations internationales de Montréal avec mes collègues "
    '<a href="https://twitter.com/brunomarchand">@brunomarchand</a>, '
    '<a href="https://twitter.com/evbeaudin">@evbeaudin</a> et '
    '<a href="https://twitter.com/BelisleFrance">@BelisleFrance</a>.'
    '<a href="https://twitter.com/corim_mcfr">@corim_mcfr</a> '
    '<a href="https://twitter.com/hashtag/CORIM?src=hash">#CORIM</a> '
    '<a href="https://twitter.com/hashtag/polmtl?src=hash">#polmtl</a> '
    '<a href="https://t.co/fic7j4aKUV">pic.twitter.com/fic7j4aKUV</a></p>&mdash; Valérie Plante '
    '(@Val_Plante) <a href="https://twitter.com/Val_Plante/status/1646195010880393216">'
    "April 12, 2023</a></blockquote>"
)


def doc(text: str, name: str) -> Document:
    return extract_bytes(text.encode("utf-8"), name)


def seed_doc() -> Document:
    return extract_bytes(SEED.read_bytes(), "seeds/seed.txt")


def test_rerun_changes_nothing(archive_dir: Path) -> None:
    with Archive(archive_dir) as archive:
        first = archive.save_documents([seed_doc()])
        before = [t.to_dict() for t in archive.tweets()]
        again = archive.save_documents([seed_doc()])
        after = [t.to_dict() for t in archive.tweets()]
        counts = archive.counts()
    assert (first.new, first.updated, first.unchanged) == (2, 0, 0)
    assert (again.new, again.updated, again.unchanged) == (0, 0, 2)
    assert before == after
    assert counts == {"tweets": 2, "stubs": 0, "sources": 1}


def test_same_tweet_in_two_articles_is_one_record_with_two_sources(archive_dir: Path) -> None:
    with Archive(archive_dir) as archive:
        archive.save_documents([doc(EMBED, "a.html"), doc(f"<div>{EMBED}</div>", "b.html")])
        (tweet,) = archive.tweets()
    assert [s.path for s in tweet.sources] == ["a.html", "b.html"]


@pytest.mark.parametrize("flattened_first", [True, False])
def test_flattened_copy_merges_into_the_id_record(archive_dir: Path, flattened_first: bool) -> None:
    docs = [seed_doc(), doc(EMBED, "embed.html")]
    if not flattened_first:
        docs.reverse()
    with Archive(archive_dir) as archive:
        for d in docs:
            archive.save_documents([d])
        tweets = archive.tweets()
        plante = archive.get("1646195010880393216")
        seen = archive.appearances(plante.key)
    assert len(tweets) == 2  # Plante (merged) and L'actualité
    assert plante.key == plante.id == "1646195010880393216"
    assert plante.lang == "fr"
    assert sorted(s.path for s in plante.sources) == ["embed.html", "seeds/seed.txt"]
    assert {a.markup for a in seen} == {"flattened text", "blockquote.twitter-tweet"}


def test_stub_is_filled_by_the_full_embed(archive_dir: Path) -> None:
    stub = doc("{{< tweet 1646195010880393216 >}}", "post.md")
    with Archive(archive_dir) as archive:
        archive.save_documents([stub])
        assert archive.get("1646195010880393216").text is None
        result = archive.save_documents([doc(EMBED, "embed.html")])
        tweet = archive.get("1646195010880393216")
    assert result.updated == 1
    assert tweet.text.startswith("Les villes")
    assert tweet.handle == "Val_Plante"


def test_lookup_by_url_and_missing_key(archive_dir: Path) -> None:
    with Archive(archive_dir) as archive:
        archive.save_documents([doc(EMBED, "embed.html")])
        assert archive.get("https://x.com/Val_Plante/status/1646195010880393216?s=20").handle
        with pytest.raises(NotFoundError):
            archive.get("42")


def test_filters_and_search(archive_dir: Path) -> None:
    with Archive(archive_dir) as archive:
        archive.save_documents([seed_doc()])
        assert [t.handle for t in archive.tweets()] == ["Lactualite", "Val_Plante"]
        assert [t.handle for t in archive.tweets(handle="@val_plante")] == ["Val_Plante"]
        assert [t.handle for t in archive.tweets(since="2023-04-13")] == ["Lactualite"]
        assert [t.handle for t in archive.tweets(until="2023-04-12")] == ["Val_Plante"]
        assert len(archive.tweets(source="seed")) == 2
        assert archive.tweets(source="nowhere") == []
        assert [t.handle for t in archive.search("relations")] == ["Val_Plante"]
        assert [t.handle for t in archive.search("generation")] == ["Lactualite"]  # diacritics
        assert archive.search('"unbalanced') == []  # not valid FTS5: taken literally


def test_articles_list_their_tweets_in_order(archive_dir: Path) -> None:
    with Archive(archive_dir) as archive:
        archive.save_documents([seed_doc()])
        (article,) = archive.articles()
        keys = [t.key for t in archive.tweets()]
    assert article.source.format == "text"
    assert list(article.keys) == list(reversed(keys))  # Plante first in the article


def test_archive_from_a_newer_version_is_refused(archive_dir: Path) -> None:
    Archive(archive_dir).close()
    conn = sqlite3.connect(archive_dir / "archive.sqlite")
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(ArchiveError, match="newer archiver"):
        Archive(archive_dir)


def test_wal_and_integrity(archive_dir: Path) -> None:
    with Archive(archive_dir) as archive:
        archive.save_documents([seed_doc()])
        assert archive.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert archive.integrity() == "ok"


def test_opening_a_missing_archive_for_reading(tmp_path: Path) -> None:
    with pytest.raises(ArchiveError, match="no archive"):
        Archive(tmp_path / "nope", create=False)


# -- scale: every write-path statement reads through an index ---------------------------------

# Tables that grow with the archive: a SCAN of one of them makes a write cost grow with it.
GROWING = ("tweets", "appearances", "sources", "gone", "tweets_fts")
CORPUS_HTML = sorted((SHARED / "corpus").glob("*.html"))


def _write_path_statements(archive: Archive, work) -> list[str]:
    statements: list[str] = []
    archive.conn.set_trace_callback(statements.append)
    try:
        work()
    finally:
        archive.conn.set_trace_callback(None)
    return [s for s in statements if not s.startswith(("BEGIN", "COMMIT", "ROLLBACK", "--"))]


def test_no_write_path_statement_scans_a_growing_table(archive_dir: Path) -> None:
    if not CORPUS_HTML:
        pytest.skip("../shared/corpus is not beside the repository")
    docs = [extract_bytes(p.read_bytes(), p.name) for p in CORPUS_HTML]
    flattened, full = seed_doc(), doc(EMBED, "embed.html")
    social = [extract_bytes(p.read_bytes(), p.name) for p in sorted(SOCIAL.glob("*_*"))]
    with Archive(archive_dir) as archive:
        archive.save_documents(docs[: len(docs) // 2])  # a filled archive, then every path:
        exported = archive.tweets(limit=20)

        def work() -> None:
            archive.save_documents(docs)  # new, unchanged and updated records
            archive.save_documents([flattened])  # id-less records (merge candidates by handle)
            archive.save_documents([full])  # an id'd copy absorbs the flattened one
            archive.save_documents([doc("{{< tweet 1646195010880393216 >}}", "stub.md")])
            archive.import_tweets(exported)  # import links sources
            archive.save_documents(social)  # Bluesky, Mastodon and Threads records
            archive.save_documents(social)

        statements = _write_path_statements(archive, work)
        scans = {}
        for statement in statements:
            plan = archive.conn.execute("EXPLAIN QUERY PLAN " + statement).fetchall()
            for row in plan:
                words = row[3].split()
                if words[0] == "SCAN" and words[1] in GROWING:
                    scans[statement[:120]] = row[3]
    assert len(statements) > 200
    assert scans == {}
    # and the full-text index, filled in batches, agrees with its content table
    with Archive(archive_dir) as archive:
        archive.conn.execute(
            "INSERT INTO tweets_fts (tweets_fts, rank) VALUES ('integrity-check', 1)"
        )
        assert archive.conn.execute("SELECT count(*) FROM fts_pending").fetchone()[0] == 0
        assert [t.key for t in archive.search("relations")] == ["1646195010880393216"]


def test_changes_are_numbered_for_incremental_renders(archive_dir: Path) -> None:
    with Archive(archive_dir) as archive:
        assert archive.last_change() == 0
        archive.save_documents([seed_doc()])
        first = archive.last_change()
        assert {t.handle for t in archive.changed_since(0)} == {"Val_Plante", "Lactualite"}
        assert list(archive.changed_since(first)) == []
        archive.save_documents([seed_doc()])  # nothing new: nothing changed
        assert archive.last_change() == first
        archive.save_documents([doc(EMBED, "embed.html")])  # the id'd copy absorbs the seed's
        changed = [t.key for t in archive.changed_since(first)]
        gone = archive.gone_since(first)
        archive.set_meta("render", "x")
        assert archive.get_meta("render") == "x"
        assert archive.get_meta("nothing") is None
    assert changed == ["1646195010880393216"]
    assert [(g.key, g.handle, g.sort_time) for g in gone] == [
        ("t-49de08804494990c", "Val_Plante", "2023-04-12")
    ]


def test_a_new_appearance_marks_an_unchanged_tweet_changed(archive_dir: Path) -> None:
    with Archive(archive_dir) as archive:
        archive.save_documents([doc(EMBED, "a.html")])
        before = archive.last_change()
        archive.save_documents([doc(EMBED, "b.html")])  # same record, one more article
        assert [t.key for t in archive.changed_since(before)] == ["1646195010880393216"]


def test_selection_by_keys_urls_and_dates(archive_dir: Path) -> None:
    with Archive(archive_dir) as archive:
        archive.save_documents([seed_doc(), doc(EMBED, "embed.html")])
        picked = archive.tweets(keys=("https://twitter.com/x/status/1646195010880393216", "nope"))
        assert [t.key for t in picked] == ["1646195010880393216"]
        assert archive.count(Selection(until="2023-04-12")) == 1
        assert archive.count(Selection(since="2023-04-12", until="2023-04-13")) == 2
        assert archive.count() == 2


# -- migration from the schema of the first release --------------------------------------------

FIXTURE_V1 = Path(__file__).parent / "fixtures" / "archive-v1"


def _v1_export() -> list[dict]:
    """The first release's export, as the current model reads it (fields added since, such
    as ``text_uncertain``, take their defaults: old records load fine)."""
    lines = (FIXTURE_V1 / "export.jsonl").read_text().splitlines()
    return [Tweet.from_dict(json.loads(line)).to_dict() for line in lines]


def _v1_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "old"
    folder.mkdir()
    shutil.copy(FIXTURE_V1 / "archive.sqlite", folder / "archive.sqlite")
    return folder


def _export(folder: Path) -> list[dict]:
    with Archive(folder) as archive:
        return [t.to_dict() for t in archive.tweets()]


def test_an_archive_of_the_first_release_is_migrated_in_place(tmp_path: Path) -> None:
    folder = _v1_copy(tmp_path)
    conn = sqlite3.connect(folder / "archive.sqlite")
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    conn.close()
    expected = _v1_export()
    with Archive(folder) as archive:
        assert archive.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert archive.integrity() == "ok"
        assert archive.conn.execute("PRAGMA foreign_key_check").fetchall() == []
        assert [t.to_dict() for t in archive.tweets()] == expected
        assert [t.handle for t in archive.search("relations")] == ["Val_Plante"]
        assert archive.appearances(expected[0]["key"])[0].snippet
        # and it takes new writes, merging with what it held
        archive.save_documents([doc(EMBED, "embed.html")])
        assert archive.get("1646195010880393216").handle == "Val_Plante"
        assert len(archive.tweets()) == len(expected)


_KILL_MID_MIGRATION = """
import os, sys, time
import archiver.store as store
real = store.migrate
def slow(conn, version):
    real(conn, version)
    print("migrated, not committed", flush=True)
    time.sleep(60)
store.migrate = slow
store.Archive(sys.argv[1])
"""


def test_a_kill_mid_migration_leaves_the_old_archive_usable(tmp_path: Path) -> None:
    folder = _v1_copy(tmp_path)
    proc = subprocess.Popen(
        [sys.executable, "-c", _KILL_MID_MIGRATION, str(folder)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout.readline().strip() == "migrated, not committed"
    proc.kill()
    proc.wait()
    conn = sqlite3.connect(folder / "archive.sqlite")
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1  # still the old archive
    assert conn.execute("SELECT count(*) FROM tweets").fetchone()[0] == 8
    conn.close()
    expected = _v1_export()
    assert _export(folder) == expected  # and the next open migrates it whole


def _fts_consistent(archive: Archive) -> None:
    archive.conn.execute("INSERT INTO tweets_fts (tweets_fts, rank) VALUES ('integrity-check', 1)")


def test_the_full_text_index_follows_inserts_updates_and_merges_in_one_batch(
    archive_dir: Path,
) -> None:
    stub = doc("{{< tweet 1646195010880393216 >}}", "stub.md")
    with Archive(archive_dir) as archive:
        # inserted, merged away and filled in within one transaction, before any indexing
        archive.save_documents([seed_doc(), stub, doc(EMBED, "embed.html")])
        _fts_consistent(archive)
        assert [t.key for t in archive.search("relations")] == ["1646195010880393216"]
        # then changed again in later transactions, once indexed
        archive.save_documents([doc(EMBED.replace("Valérie Plante", "V. Plante"), "b.html")])
        _fts_consistent(archive)
        assert len(archive.search("relations")) == 1
        assert archive.conn.execute("SELECT count(*) FROM fts_pending").fetchone()[0] == 0
