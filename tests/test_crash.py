"""kill -9 in the middle of a large extract loses nothing and corrupts nothing.

A few hundred articles (copies of ../shared/corpus) are extracted by the real CLI with two
workers; the run is killed with SIGKILL at a random moment (fixed seed) five times in a row
on the same archive. After every kill the archive opens and SQLite's integrity and
foreign-key checks pass; a final full run then gives exactly the records (``archiver
export``, byte for byte) that one clean, uninterrupted run gives.
"""

from __future__ import annotations

import contextlib
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from archiver.store import DB_NAME

from .conftest import SHARED, need_shared

KILLS = 5
SEED = 20240505
COPIES = 4
MAX_SIZE = 100_000  # the corpus's articles under 100 kB: 76 of them, 304 files in all
ROOT = Path(__file__).resolve().parents[1]
SUFFIXES = (".html", ".md", ".mdx", ".txt", ".rst")


def corpus_copies(folder: Path, copies: int, max_size: int = MAX_SIZE) -> list[Path]:
    """``copies`` copies of each article of the shared corpus (and its text copies)."""
    folder.mkdir(parents=True, exist_ok=True)
    made = []
    for sub in ("corpus", "corpus-text"):
        for source in sorted((SHARED / sub).iterdir()):
            if source.is_file() and source.suffix in SUFFIXES and source.stat().st_size < max_size:
                for copy in range(copies):
                    target = folder / f"{copy}-{sub}-{source.name}"
                    shutil.copyfile(source, target)
                    made.append(target)
    return sorted(made)


def start_extract(inputs: list[str], archive: Path) -> subprocess.Popen[str]:
    """``archiver extract`` in a session of its own, so its workers can be killed with it."""
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "archiver",
            "extract",
            *inputs,
            "--archive",
            str(archive),
            "--jobs",
            "2",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def kill_hard(process: subprocess.Popen[str]) -> None:
    """SIGKILL the writer, then what is left of its process group (its worker processes)."""
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)


def export(archive: Path) -> str:
    """``archiver export`` of the archive (JSON Lines, newest first)."""
    done = subprocess.run(
        [sys.executable, "-m", "archiver", "export", "--archive", str(archive)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def check_sound(archive: Path) -> int:
    """Open the archive as a new reader would; checks pass; returns the number of tweets."""
    conn = sqlite3.connect(archive / DB_NAME)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        orphans = conn.execute(
            "SELECT count(*) FROM appearances WHERE tweet_key NOT IN (SELECT key FROM tweets)"
        ).fetchone()[0]
        assert orphans == 0
        return conn.execute("SELECT count(*) FROM tweets").fetchone()[0]
    finally:
        conn.close()


def test_kill_9_during_extract_loses_and_corrupts_nothing(tmp_path: Path) -> None:
    need_shared()
    inputs = corpus_copies(tmp_path / "in", COPIES)
    assert len(inputs) >= 300
    args = [str(tmp_path / "in")]

    clean = tmp_path / "clean"
    start = time.monotonic()
    run = start_extract(args, clean)
    out, err = run.communicate(timeout=600)
    clean_seconds = time.monotonic() - start
    assert run.returncode == 0, err
    assert out.startswith(f"Read {len(inputs)} files, skipped 0;")
    expected = export(clean)

    recovered = tmp_path / "recovered"
    rng = random.Random(SEED)
    survived = []
    while len(survived) < KILLS:
        delay = rng.uniform(0.3, 0.95) * clean_seconds
        while True:  # a busy machine can make a run shorter than the clean one was
            run = start_extract(args, recovered)
            time.sleep(delay)
            finished = run.poll() is not None
            kill_hard(run)
            if not finished:
                break
            delay /= 2
        assert run.returncode == -signal.SIGKILL
        if (recovered / DB_NAME).exists():  # else killed before it made the archive
            survived.append((round(delay, 2), check_sound(recovered)))
    print(
        f"\n{len(inputs)} files, clean run {clean_seconds:.1f} s; "
        f"kills (seconds, tweets committed): {survived}"
    )

    final = start_extract(args, recovered)
    out, err = final.communicate(timeout=600)
    assert final.returncode == 0, err
    check_sound(recovered)
    assert export(recovered) == expected
