"""Bad input never stops the run; a broken disk or folder never corrupts the archive.

* The whole nasty corpus (``tests/nasty.py``, special files included) through the real CLI:
  each bad file gets exactly one ``skipped PATH: reason`` line, everything else is archived,
  the exit status is 1, and ``--jobs 2`` gives exactly what ``--jobs 1`` gives.
* Unreadable files (a real ``chmod 000`` read by an unprivileged user when the tests run as
  root, where the mode does not stop reads), files that vanish mid-run, symbolic-link loops,
  FIFOs, a link to /dev/zero, a 50 MB page and a file past the size limit.
* A full disk (a 1 MiB tmpfs, and SQLite's own page limit where mounting is not allowed),
  a read-only archive folder (a read-only bind mount), a read-only database, a folder where
  the database should be, and an archive from a newer archiver: each gives one clear
  ``Error:`` line, exit status 1, and leaves the archive as it was.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from archiver.cli import cli
from archiver.pipeline import Planned, extract_paths, plan_inputs
from archiver.store import DB_NAME, SCHEMA_VERSION, Archive

from . import nasty
from .conftest import SEEDS, SHARED, need_shared

SEED = SEEDS / "aimf-corim-villes-diplomatie-2023.txt"
ROOT = Path(__file__).resolve().parents[1]


def archiver(
    *args: str,
    cwd: Path | None = None,
    timeout: float = 300,
    user: int | None = None,
    python: list[str] | None = None,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run the real command line in a process of its own (as ``user`` when given).

    ``python`` replaces the interpreter command (``as_user_python`` gives one that ``user``
    can run) and ``env`` is added to the environment.
    """
    command = [*(python or [sys.executable]), "-m", "archiver", *args]
    if user is not None:
        command = [*_as_user(user), *command]
    return subprocess.run(
        command,
        cwd=cwd or ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "PYTHONIOENCODING": "utf-8", **(env or {})},
    )


def _as_user(user: int) -> list[str]:
    return ["setpriv", f"--reuid={user}", f"--regid={user}", "--clear-groups", "--"]


def _runs_as(user: int, python: str, env: dict[str, str], cwd: Path) -> bool:
    probe = [*_as_user(user), python, "-c", "import archiver.cli, lxml.html, PIL, warcio"]
    done = subprocess.run(probe, cwd=cwd, capture_output=True, env={**os.environ, **env})
    return done.returncode == 0


def _runtime_distributions() -> list[importlib.metadata.Distribution]:
    """The installed distributions ``archiver`` needs at run time (no extras), recursively."""
    seen: dict[str, importlib.metadata.Distribution] = {}
    todo = [req for req in importlib.metadata.requires("archiver") or [] if "extra ==" not in req]
    while todo:
        name = re.split(r"[\s\[<>=!~;(]", todo.pop().strip(), maxsplit=1)[0].lower()
        if name in seen:
            continue
        try:
            dist = importlib.metadata.distribution(name)
        except importlib.metadata.PackageNotFoundError:
            continue  # a requirement whose marker excludes this platform
        seen[name] = dist
        todo.extend(req for req in dist.requires or [] if "extra ==" not in req)
    return list(seen.values())


def as_user_python(user: int, stage: Path) -> tuple[list[str], dict[str, str]]:
    """An interpreter command and environment with which ``user`` can run this archiver.

    The clone, its virtual environment or the interpreter can sit in a folder ``user``
    cannot enter (root working in a 0700 home or temporary folder). Then the package and
    its run-time dependencies are copied into ``stage`` (world-readable) and run with the
    first interpreter of the same version that ``user`` can execute. Skips, with the
    reason, when there is none.
    """
    stage.mkdir(mode=0o755, exist_ok=True)
    if _runs_as(user, sys.executable, {}, stage):
        return [sys.executable], {}
    site = stage / "site"
    no_cache = shutil.ignore_patterns("__pycache__")
    shutil.copytree(ROOT / "archiver", site / "archiver", ignore=no_cache)
    for dist in _runtime_distributions():
        for file in dist.files or []:
            source = Path(dist.locate_file(file))
            target = (site / file).resolve()
            if source.is_file() and target.is_relative_to(site.resolve()):
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, target)
    for folder in [site, *site.rglob("*")]:
        folder.chmod(0o755 if folder.is_dir() else 0o644)
    env = {"PYTHONPATH": str(site), "PYTHONNOUSERSITE": "1"}
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    candidates = [
        os.path.realpath(sys.executable),
        getattr(sys, "_base_executable", ""),
        *(str(Path(d) / version) for d in ("/usr/local/bin", "/usr/bin", "/bin")),
    ]
    for python in candidates:
        if python and Path(python).exists() and _runs_as(user, python, env, stage):
            return [python, "-s"], env
    pytest.skip(f"no {version} interpreter that uid {user} may run (all under private folders)")


def invoke(*args: str) -> Result:
    """The command line in this process (under the autouse no-network fixture)."""
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def export(archive: Path) -> str:
    """The archive's records as ``archiver export`` writes them."""
    result = invoke("export", "--archive", str(archive))
    assert result.exit_code == 0, result.output
    return result.output


def integrity(archive: Path) -> str:
    """SQLite's integrity check of the archive, from a connection of its own."""
    conn = sqlite3.connect(archive / DB_NAME)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()


def digest(path: Path) -> str:
    """The sha256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


# -- the nasty corpus through the command line -------------------------------------------------


@pytest.fixture(scope="module")
def nasty_dir(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list, list]:
    """The nasty corpus on disk, with the special files, and the seed article beside it."""
    folder = tmp_path_factory.mktemp("nasty") / "in"
    cases, special = nasty.write_corpus(folder)
    shutil.copy(SEED, folder / SEED.name)
    return folder, cases, special


@pytest.fixture(scope="module")
def nasty_run(
    nasty_dir: tuple[Path, list, list], tmp_path_factory: pytest.TempPathFactory
) -> tuple[subprocess.CompletedProcess[str], Path, float]:
    """``archiver extract`` over the nasty corpus with two workers: result, archive, time."""
    folder, _cases, _special = nasty_dir
    archive = tmp_path_factory.mktemp("nasty-run") / "archive"
    start = time.perf_counter()
    done = archiver("extract", str(folder), "--archive", str(archive), "--jobs", "2")
    return done, archive, time.perf_counter() - start


def test_cli_reports_each_bad_file_once_and_archives_the_rest(
    nasty_dir: tuple[Path, list, list], nasty_run: tuple
) -> None:
    folder, cases, special = nasty_dir
    done, archive, elapsed = nasty_run
    expected = sorted(
        [f"skipped {folder / c.name}: {c.skip}" for c in cases if c.skip]
        + [f"skipped {folder / c.name}: {reason}" for c in cases for reason in c.refused]
        + [f"skipped {folder / s.name}: {s.skip}" for s in special]
    )
    assert done.returncode == 1, done.stderr
    assert sorted(done.stderr.splitlines()) == expected  # nothing else: no traceback
    read = [c for c in cases if not c.skip]
    embeds = sum(len(c.tweets) - len(c.refused) for c in read) + 2  # the seed's two
    assert done.stdout.startswith(
        f"Read {len(read) + 1} files, skipped {len(expected)}; found {embeds} embeds: "
    )
    assert integrity(archive) == "ok"
    records = {r["key"]: r for r in map(json.loads, export(archive).splitlines())}
    tweet = records[nasty.TWEET_ID]
    assert (tweet["author"], tweet["handle"], tweet["text"]) == (
        nasty.AUTHOR,
        nasty.HANDLE,
        nasty.TEXT,
    )
    sources = {Path(s["path"]).name for s in tweet["sources"]}
    assert {c.name for c in read if nasty.THE_TWEET in c.tweets} <= sources
    assert {"1646195010880393217", "1646195010880394515"} <= set(records)  # deep, unclosed
    assert elapsed < 120


def test_jobs_do_not_change_what_hostile_input_gives(
    nasty_dir: tuple[Path, list, list], nasty_run: tuple, tmp_path: Path
) -> None:
    """In-process with one job (no worker to absorb a crash) gives what two workers give."""
    folder, _cases, _special = nasty_dir
    done, two, _elapsed = nasty_run
    one = tmp_path / "one"
    result = invoke("extract", str(folder), "--archive", str(one), "--jobs", "1")
    assert result.exit_code == 1
    assert sorted(result.output.splitlines()[:-1]) == sorted(done.stderr.splitlines())
    assert result.output.splitlines()[-1] == done.stdout.strip()
    assert export(one) == export(two)


def test_damaged_web_archives_are_skipped_and_the_run_goes_on(tmp_path: Path) -> None:
    """A WARC cut inside its first header once raised AttributeError out of the run."""
    folder = tmp_path / "in"
    folder.mkdir()
    damaged = nasty.damaged_web_archives()
    for name, data in damaged.items():
        (folder / name).write_bytes(data)
    (folder / "sound.warc.gz").write_bytes(nasty.web_archive(compress=True))
    shutil.copy(SEED, folder / "seed.txt")
    done = archiver("extract", str(folder), "--archive", str(tmp_path / "archive"))
    assert done.returncode == 1, done.stderr
    skipped = [line for line in done.stderr.splitlines() if line.startswith("skipped ")]
    assert sorted(line.split(": ", 1)[0] for line in skipped) == sorted(
        f"skipped {folder / name}" for name in damaged
    )
    assert "Traceback" not in done.stderr
    assert done.stdout.startswith("Read ")
    assert f", skipped {len(damaged)}; " in done.stdout
    records = {r["id"] for r in map(json.loads, export(tmp_path / "archive").splitlines())}
    assert nasty.TWEET_ID in records  # from the sound archive and the parts read before a cut


# -- unreadable, vanishing and special files ---------------------------------------------------


def test_unreadable_file_is_skipped_with_permission_denied(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As root ``chmod 000`` does not stop reads: the read is made to fail as the OS would."""
    locked = tmp_path / "locked.html"
    locked.write_text(nasty.page(nasty.embed()), encoding="utf-8")
    locked.chmod(0)
    if os.access(locked, os.R_OK):  # root: reading would succeed, so refuse it here
        real = Path.read_bytes

        def refuse(self: Path) -> bytes:
            if self == locked:
                raise PermissionError(13, "Permission denied", str(self))
            return real(self)

        monkeypatch.setattr(Path, "read_bytes", refuse)
    archive = tmp_path / "archive"
    result = invoke("extract", str(locked), str(SEED), "--archive", str(archive), "--jobs", "1")
    assert result.exit_code == 1
    assert f"skipped {locked}: permission denied\n" in result.output
    assert result.output.endswith(
        "Read 1 file, skipped 1; found 2 embeds: 2 new, 0 updated, 0 unchanged.\n"
    )


@pytest.mark.skipif(
    os.geteuid() != 0 or not shutil.which("setpriv"),
    reason="needs root to run the CLI as an unprivileged user",
)
def test_unreadable_file_for_real_as_an_unprivileged_user() -> None:
    """Root can drop to ``nobody``, for whom ``chmod 000`` really stops the read."""
    top = Path(tempfile.mkdtemp(prefix="archiver-unreadable-", dir="/tmp"))
    try:
        top.chmod(0o755)
        ok, locked, archive = top / "ok.txt", top / "locked.txt", top / "archive"
        shutil.copy(SEED, ok)
        ok.chmod(0o644)
        locked.write_bytes(SEED.read_bytes())
        locked.chmod(0)
        archive.mkdir(mode=0o777)
        archive.chmod(0o777)
        python, env = as_user_python(65534, top / "python")
        done = archiver(
            "extract",
            str(ok),
            str(locked),
            "--archive",
            str(archive),
            "--jobs",
            "2",
            cwd=top,
            user=65534,
            python=python,
            env=env,
        )
        assert done.returncode == 1, done.stderr
        assert done.stderr == f"skipped {locked}: permission denied\n"
        assert done.stdout == (
            "Read 1 file, skipped 1; found 2 embeds: 2 new, 0 updated, 0 unchanged.\n"
        )
    finally:
        shutil.rmtree(top)


@pytest.mark.parametrize("jobs", [1, 2])
def test_files_vanishing_mid_run_are_reported_and_the_run_goes_on(
    tmp_path: Path, jobs: int
) -> None:
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    names = [f"a{i:02d}.html" for i in range(40)]
    for name in names:
        (folder / name).write_text(nasty.page(nasty.embed()), encoding="utf-8")
        (folder / "sub" / name).write_text(nasty.page(nasty.embed()), encoding="utf-8")
    items = plan_inputs([str(folder)])
    assert len(items) == 80
    vanish = {folder / "a05.html", folder / "a30.html"}
    replaced = folder / "a20.html"

    def progress(display: str) -> None:
        """As the run reaches a file, others disappear under it (a sync, a user, a cleaner)."""
        if display == str(folder / "a03.html"):
            for path in vanish:
                path.unlink()
            shutil.rmtree(folder / "sub")
            replaced.unlink()
            replaced.mkdir()

    skipped = []
    with Archive(tmp_path / "archive") as archive:
        summary = extract_paths(
            items, archive, jobs=jobs, progress=progress, on_skip=skipped.append
        )
        assert archive.integrity() == "ok"
    gone = "file not found (it may have been removed during the run)"
    want = {(str(p), gone) for p in vanish} | {(str(replaced), "not a regular file")}
    want |= {(str(folder / "sub" / n), gone) for n in names}
    assert {(s.path, s.reason) for s in skipped} == want
    assert summary.files == 80 - len(want) == 37
    assert summary.embeds == 37


def test_special_files_named_on_the_command_line(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    special = nasty.make_special(folder)
    shutil.copy(SEED, folder / "seed.txt")
    archive = tmp_path / "archive"
    named = [str(folder / s.name) for s in special]
    done = archiver(
        "extract",
        *named,
        str(folder / "seed.txt"),
        "--archive",
        str(archive),
        "--jobs",
        "2",
        timeout=120,
    )
    assert done.returncode == 1
    expected = [f"skipped {folder / s.name}: {s.skip}" for s in special]
    assert sorted(done.stderr.splitlines()) == sorted(expected)
    assert done.stdout.startswith(f"Read 1 file, skipped {len(expected)}; found 2 embeds")


def test_a_50_mb_page_is_read_whole(tmp_path: Path) -> None:
    """50 MB: a 25 MB inline image (past libxml2's default 10 MB) and 25 MB of prose."""
    big = tmp_path / "in" / "big-50mb.html"
    big.parent.mkdir()
    big.write_bytes(nasty.big_page())
    assert big.stat().st_size >= nasty.BIG_BYTES
    archive = tmp_path / "archive"
    start = time.perf_counter()
    done = archiver("extract", str(big.parent), "--archive", str(archive), "--jobs", "2")
    elapsed = time.perf_counter() - start
    assert done.returncode == 0, done.stderr
    assert done.stdout == "Read 1 file, skipped 0; found 2 embeds: 2 new, 0 updated, 0 unchanged.\n"
    records = {r["id"]: r for r in map(json.loads, export(archive).splitlines())}
    for want in nasty.BIG_TWEETS:
        assert records[want.id]["text"] == want.text
    assert elapsed < 60, f"{elapsed:.1f} s"


# -- a full disk, a read-only archive, a newer archive -----------------------------------------


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A 1 MiB tmpfs: room for a small archive and its write-ahead log (root only; skipped
    where mounting is not allowed)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    if os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("mounting a tmpfs needs root")
    made = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)],
        capture_output=True,
        text=True,
    )
    if made.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {made.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def fill(disk: Path, leave: int = 0) -> Path:
    """Fill ``disk`` until at most ``leave`` bytes are free; returns the filler file."""
    filler = disk / "filler"
    with filler.open("wb") as fh:
        while shutil.disk_usage(disk).free > leave:
            try:
                fh.write(b"\0" * min(4096, max(shutil.disk_usage(disk).free - leave, 1)))
                fh.flush()
            except OSError:
                break
    return filler


def test_full_disk_before_the_run(tiny_disk: Path) -> None:
    archive = tiny_disk / "archive"
    assert archiver("extract", str(SEED), "--archive", str(archive)).returncode == 0
    before, db_bytes = export(archive), digest(archive / DB_NAME)
    filler = fill(tiny_disk)
    done = archiver(
        "extract", str(SHARED / "corpus" if SHARED.is_dir() else SEEDS), "--archive", str(archive)
    )
    assert done.returncode == 1
    assert done.stderr == (
        f"Error: cannot open the archive {archive / DB_NAME}: disk I/O "
        "error (no space left: 0 KiB free on its disk)\n"
    )
    assert digest(archive / DB_NAME) == db_bytes
    filler.unlink()
    assert integrity(archive) == "ok"
    assert export(archive) == before
    again = archiver("extract", str(SEED), "--archive", str(archive))
    assert again.stdout == (
        "Read 1 file, skipped 0; found 2 embeds: 0 new, 0 updated, 2 unchanged.\n"
    )


def test_disk_filling_up_during_the_run(tiny_disk: Path) -> None:
    need_shared()
    archive = tiny_disk / "archive"
    assert archiver("extract", str(SEED), "--archive", str(archive)).returncode == 0
    before = export(archive)
    filler = fill(tiny_disk, leave=48 * 1024)  # room to open, none for the first batch
    done = archiver("extract", str(SHARED / "corpus"), "--archive", str(archive), "--jobs", "2")
    assert done.returncode == 1
    assert done.stderr == (
        f"Error: cannot write to the archive {archive / DB_NAME}: database or disk is full\n"
    )
    assert integrity(archive) == "ok"
    assert export(archive) == before
    filler.unlink()
    assert archiver("extract", str(SEED), "--archive", str(archive)).returncode == 0
    assert export(archive) == before


def test_database_full_where_no_disk_can_be_mounted(
    archive_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite's page limit gives the error a full disk gives, without root."""
    need_shared()
    assert invoke("extract", str(SEED), "--archive", str(archive_dir)).exit_code == 0
    before = invoke("export", "--archive", str(archive_dir)).output
    real_open = Archive._open

    def capped(self: Archive) -> None:
        real_open(self)
        pages = self.conn.execute("PRAGMA page_count").fetchone()[0]
        self.conn.execute(f"PRAGMA max_page_count = {pages + 2}")

    monkeypatch.setattr(Archive, "_open", capped)
    result = CliRunner().invoke(
        cli, ["extract", str(SHARED / "corpus"), "--archive", str(archive_dir), "--jobs", "1"]
    )
    assert result.exit_code == 1
    assert result.output.endswith(
        f"Error: cannot write to the archive {archive_dir / DB_NAME}: database or disk is full\n"
    )
    assert "Traceback" not in result.output
    monkeypatch.undo()
    assert integrity(archive_dir) == "ok"
    assert invoke("export", "--archive", str(archive_dir)).output == before


@pytest.fixture
def read_only_archive(tmp_path: Path) -> Iterator[Path]:
    """An archive folder on a read-only bind mount (root), else a folder mode 0555."""
    archive = tmp_path / "archive"
    assert invoke("extract", str(SEED), "--archive", str(archive)).exit_code == 0
    if os.geteuid() == 0:
        bound = subprocess.run(
            ["mount", "--bind", str(archive), str(archive)], capture_output=True, text=True
        )
        if bound.returncode != 0:
            pytest.skip(f"cannot bind-mount here: {bound.stderr.strip()}")
        try:
            subprocess.run(
                ["mount", "-o", "remount,bind,ro", str(archive)], check=True, capture_output=True
            )
            yield archive
        finally:
            subprocess.run(["umount", "-l", str(archive)], check=False)
    else:
        archive.chmod(0o555)
        try:
            yield archive
        finally:
            archive.chmod(0o755)


def test_read_only_archive_folder(read_only_archive: Path) -> None:
    archive = read_only_archive
    with pytest.raises(OSError):
        (archive / "probe").write_bytes(b"")  # really read-only, root or not
    db_bytes = digest(archive / DB_NAME)
    done = archiver("extract", str(SEEDS), "--archive", str(archive))
    assert done.returncode == 1
    assert done.stderr == (
        f"Error: cannot open the archive {archive / DB_NAME}: unable to "
        "open database file (the folder is read-only)\n"
    )
    assert digest(archive / DB_NAME) == db_bytes
    assert sorted(p.name for p in archive.iterdir()) == [DB_NAME]


def test_read_only_database_file(archive_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The database opened read-only (as a file whose mode root ignores would be)."""
    assert invoke("extract", str(SEED), "--archive", str(archive_dir)).exit_code == 0
    before, db_bytes = (
        invoke("export", "--archive", str(archive_dir)).output,
        digest(archive_dir / DB_NAME),
    )
    real_connect = sqlite3.connect

    def read_only(path: object, *args: object, **kwargs: object) -> sqlite3.Connection:
        return real_connect(f"file:{path}?mode=ro", *args, uri=True, **kwargs)

    monkeypatch.setattr(sqlite3, "connect", read_only)
    result = CliRunner().invoke(
        cli, ["extract", str(SEEDS), "--archive", str(archive_dir), "--jobs", "1"]
    )
    assert result.exit_code == 1
    assert result.output == (
        f"Error: cannot write to the archive {archive_dir / DB_NAME}: "
        "attempt to write a readonly database\n"
    )
    monkeypatch.undo()
    assert digest(archive_dir / DB_NAME) == db_bytes
    assert invoke("export", "--archive", str(archive_dir)).output == before


def test_folder_where_the_database_should_be(archive_dir: Path) -> None:
    (archive_dir / DB_NAME).mkdir(parents=True)
    result = invoke("extract", str(SEEDS), "--archive", str(archive_dir))
    assert result.exit_code == 1
    assert result.output == (
        f"Error: cannot open the archive {archive_dir / DB_NAME}: unable "
        "to open database file (it is a folder)\n"
    )
    assert list((archive_dir / DB_NAME).iterdir()) == []


def test_archive_from_a_newer_archiver_is_refused_untouched(archive_dir: Path) -> None:
    assert invoke("extract", str(SEEDS), "--archive", str(archive_dir)).exit_code == 0
    db = archive_dir / DB_NAME
    conn = sqlite3.connect(db)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    db_bytes = digest(db)
    message = (
        f"Error: {db} was written by a newer archiver (schema {SCHEMA_VERSION + 1}; "
        f"this one reads up to {SCHEMA_VERSION}): upgrade archiver to use it\n"
    )
    done = archiver("extract", str(SEEDS), "--archive", str(archive_dir))
    assert (done.returncode, done.stdout, done.stderr) == (1, "", message)
    for command in (
        ["list"],
        ["export"],
        ["search", "villes"],
        ["show", "1"],
        ["import", str(SEED)],
    ):
        result = CliRunner().invoke(cli, [*command, "--archive", str(archive_dir)])
        assert (result.exit_code, result.output) == (1, message), command
    assert digest(db) == db_bytes
    assert sorted(p.name for p in archive_dir.iterdir()) == [DB_NAME]


def test_schema_version_is_recorded(archive_dir: Path) -> None:
    assert invoke("extract", str(SEEDS), "--archive", str(archive_dir)).exit_code == 0
    conn = sqlite3.connect(archive_dir / DB_NAME)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION >= 1
    conn.close()


def test_planned_inputs_keep_the_given_order(tmp_path: Path) -> None:
    """Sanity for the tests above: a folder is listed sorted, hidden folders left out."""
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "x.html").write_text("x")
    for name in ("b.md", "a.html", "c.txt", "d.png"):
        (tmp_path / name).write_text("x")
    assert [p.display for p in plan_inputs([str(tmp_path)])] == [
        str(tmp_path / n) for n in ("a.html", "b.md", "c.txt")
    ]
    assert plan_inputs([str(tmp_path / "nope.html")]) == [
        Planned(tmp_path / "nope.html", str(tmp_path / "nope.html"), "file not found")
    ]
