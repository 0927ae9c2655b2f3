"""Two ``archiver extract`` runs on one archive at once: both succeed, nothing lost or doubled.

Two processes (two workers each) start together on a fresh archive (so they also race to
create it) over overlapping halves of a few hundred articles, then again on the filled
archive. Both exit 0 with no "database is locked" anywhere, and the archive holds exactly
what one clean run over all the inputs gives: the same records, the same sources, the same
appearances (evidence rows), none twice.

Which copy of a tweet leads its record can depend on the order copies arrive (the merge
rule's tie-break: the hugo fixtures hold one tweet as both x.com and twitter.com URLs), so
those files are left out, and the test first checks that the order of the inputs alone
changes nothing for the rest; the comparison then ignores only the order of sources.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

from archiver.pipeline import Planned, extract_paths
from archiver.store import DB_NAME, Archive

from .conftest import need_shared
from .test_crash import ROOT, corpus_copies

WRITERS = 2
ORDER_DEPENDENT = ("hugo__",)  # one tweet as x.com in some files, twitter.com in others


def normalized(records: list[dict]) -> dict[str, dict]:
    """Records by key, each with its sources sorted (their order follows arrival)."""
    out = {}
    for record in records:
        record = dict(record)
        record["sources"] = sorted(json.dumps(s, sort_keys=True) for s in record["sources"])
        out[record["key"]] = record
    return out


def records_of(archive: Path) -> list[dict]:
    """``archiver export`` of the archive, read back."""
    done = subprocess.run(
        [sys.executable, "-m", "archiver", "export", "--archive", str(archive)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in done.stdout.splitlines()]


def evidence(archive: Path) -> list[tuple]:
    """Every appearance (source, position, markup, tweet), and every source, sorted."""
    conn = sqlite3.connect(archive / DB_NAME)
    try:
        rows = conn.execute(
            "SELECT s.path, s.sha256, a.position, a.markup, a.tweet_key, length(a.snippet) "
            "FROM appearances a JOIN sources s USING (source_id)"
        ).fetchall()
        sources = conn.execute("SELECT path, sha256, record FROM sources").fetchall()
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()
    return sorted(rows) + sorted(("source", *s) for s in sources)


def in_process(paths: list[Path], archive: Path) -> dict[str, dict]:
    """One clean run in this process, in the given order."""
    with Archive(archive) as store:
        summary = extract_paths([Planned(p, str(p)) for p in paths], store, jobs=2)
        assert not summary.skipped
        return normalized([t.to_dict() for t in store.tweets()])


def extract_command(paths: list[Path], archive: Path) -> list[str]:
    """``archiver extract PATHS --archive ARCHIVE --jobs 2`` as an argument list."""
    return [
        sys.executable,
        "-m",
        "archiver",
        "extract",
        *map(str, paths),
        "--archive",
        str(archive),
        "--jobs",
        "2",
    ]


def test_two_writers_at_once_lose_and_double_nothing(tmp_path: Path) -> None:
    need_shared()
    inputs = [
        p
        for p in corpus_copies(tmp_path / "in", 2)
        if not p.name.split("-", 2)[2].startswith(ORDER_DEPENDENT)
    ]
    assert len(inputs) >= 140
    clean = tmp_path / "clean"  # one clean run over every input
    expected = in_process(inputs, clean)
    assert in_process(list(reversed(inputs)), tmp_path / "reverse") == expected  # precondition
    assert normalized(records_of(clean)) == expected

    third = len(inputs) // 3
    halves = [inputs[: 2 * third], inputs[third:]]  # the middle third is in both
    shared = tmp_path / "shared"
    for round_ in ("fresh archive", "filled archive"):
        writers = [
            subprocess.Popen(
                extract_command(half, shared),
                cwd=ROOT,
                text=True,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
            for half in halves[:WRITERS]
        ]
        results = [w.communicate(timeout=300) for w in writers]
        for writer, (out, err), half in zip(writers, results, halves, strict=True):
            assert writer.returncode == 0, (round_, err)
            assert err == "", (round_, err)
            assert "locked" not in out.lower()
            assert out.startswith(f"Read {len(half)} files, skipped 0;"), (round_, out)
        assert normalized(records_of(shared)) == expected, round_
        assert evidence(shared) == evidence(clean), round_
