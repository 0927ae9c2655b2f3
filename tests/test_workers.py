"""Worker processes die with their parent (``kill -9``, an out-of-memory kill).

Each command that runs a process pool — ``extract --jobs 2``, ``render --format png --jobs 2``
and the Dask extra's local mode — is started, its workers are waited for, the parent alone is
killed with SIGKILL, and no worker may be left a few seconds later. Without the workers'
watch they were re-parented to PID 1 and slept for ever.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from archiver.store import Archive

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from distinct import distinct_documents, write_pages  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
GONE_WITHIN = 5.0


def _children(pid: int) -> set[int]:
    """The process ids whose parent is ``pid`` (from /proc)."""
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.add(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def _kill_parent_and_check(command: list[str], workers: int = 2) -> None:
    proc = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        kids: set[int] = set()
        while len(kids) < workers and time.monotonic() < deadline and proc.poll() is None:
            kids = {k for k in _children(proc.pid) if _alive(k)}
            time.sleep(0.05)
        assert len(kids) >= workers, f"the workers never started: {proc.stderr.read()!r}"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        deadline = time.monotonic() + GONE_WITHIN
        while time.monotonic() < deadline and any(_alive(k) for k in kids):
            time.sleep(0.1)
        left = [k for k in kids if _alive(k)]
    finally:
        if proc.poll() is None:
            proc.kill()
    for kid in left:
        os.kill(kid, signal.SIGKILL)
    assert left == []


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("pages")
    write_pages(folder, 6_000)  # enough work that the workers are busy when the parent dies
    return folder


def test_extract_workers_die_with_their_parent(pages: Path, tmp_path: Path) -> None:
    command = [sys.executable, "-m", "archiver", "extract", str(pages), "--jobs", "2"]
    _kill_parent_and_check([*command, "--archive", str(tmp_path / "archive")])


def test_render_workers_die_with_their_parent(tmp_path: Path) -> None:
    with Archive(tmp_path / "archive") as archive:
        archive.save_documents(distinct_documents(400))
    command = [sys.executable, "-m", "archiver", "render", "--format", "png", "--jobs", "2"]
    _kill_parent_and_check([*command, "--archive", str(tmp_path / "archive")])


def test_dask_local_workers_die_with_their_parent(pages: Path, tmp_path: Path) -> None:
    pytest.importorskip("dask.bag")
    command = [sys.executable, "-m", "archiver.distributed", str(pages), "--out"]
    _kill_parent_and_check([*command, str(tmp_path / "shards"), "--partition-size", "50"])
