"""No network, ever: the autouse guard works, and the whole CLI runs without a network.

* The guard of ``conftest.no_network`` turns every connection and DNS look-up into a
  ``NetworkAccess`` error (checked before any attempt, so a broken guard cannot reach out).
* Every command (extract on the corpus, list, show, search, export, import) runs under it.
* Where ``unshare -n`` works (root on Linux), ``archiver extract`` runs in a network
  namespace with no interface but a down loopback, in a process of its own.
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from archiver.cli import cli

from .conftest import SEEDS, SHARED, NetworkAccess, need_shared

ROOT = Path(__file__).resolve().parents[1]
# Captured at import, before any test's fixture patches them.
REAL_CONNECT = socket.socket.connect
REAL_GETADDRINFO = socket.getaddrinfo
# RFC 5737 documentation addresses and a reserved name: even a broken guard reaches nothing.
PUBLIC = ("192.0.2.1", 443)


def guard_installed() -> None:
    """Fail, without touching the network, unless the guard is in place."""
    assert socket.socket.connect is not REAL_CONNECT, "the no_network fixture is not active"
    assert socket.getaddrinfo is not REAL_GETADDRINFO, "the no_network fixture is not active"


def test_connect_is_refused() -> None:
    guard_installed()
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(1)
        with pytest.raises(NetworkAccess, match="connect to"):
            sock.connect(PUBLIC)
        with pytest.raises(NetworkAccess):
            sock.connect_ex(PUBLIC)
    with pytest.raises(NetworkAccess):
        socket.create_connection(PUBLIC, timeout=1)


def test_dns_is_refused() -> None:
    guard_installed()
    with pytest.raises(NetworkAccess, match="DNS look-up of 'twitter.com'"):
        socket.getaddrinfo("twitter.com", 443)


def test_http_is_refused() -> None:
    guard_installed()
    with pytest.raises(NetworkAccess):
        urllib.request.urlopen("https://example.invalid/", timeout=1)


def test_local_sockets_stay_allowed(tmp_path: Path) -> None:
    """Browsers are driven over pipes and UNIX sockets: those keep working."""
    guard_installed()
    path = str(tmp_path / "s")
    with socket.socket(socket.AF_UNIX) as server, socket.socket(socket.AF_UNIX) as client:
        server.bind(path)
        server.listen(1)
        client.connect(path)


def run(*args: str) -> str:
    """A CLI command in this process (under the guard); its output."""
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_every_command_works_offline(tmp_path: Path) -> None:
    need_shared()
    guard_installed()
    archive = str(tmp_path / "archive")
    out = run("extract", str(SHARED / "corpus"), str(SEEDS), "--archive", archive, "--jobs", "1")
    assert out.startswith("Read ") and ", skipped 0; " in out
    listed = run("list", "--archive", archive)
    key = listed.splitlines()[0].split()[0]
    assert len(listed.splitlines()) > 150
    assert "found in " in run("show", key, "--archive", archive)
    assert json.loads(run("search", "CORIM", "--json", "--archive", archive))
    exported = tmp_path / "export.jsonl"
    run("export", "-o", str(exported), "--archive", archive)
    assert run("import", str(exported), "--archive", str(tmp_path / "copy")).startswith("Imported ")


def unshare_works() -> bool:
    """Whether ``unshare -n`` can make a network namespace here (root on Linux)."""
    if not shutil.which("unshare"):
        return False
    try:
        return (
            subprocess.run(["unshare", "-n", "true"], capture_output=True, timeout=10).returncode
            == 0
        )
    except OSError:
        return False


@pytest.mark.skipif(not unshare_works(), reason="unshare -n is not available here")
def test_extract_in_a_namespace_without_network(tmp_path: Path) -> None:
    """A process that could not reach anything even if it tried does the whole job."""
    archive = tmp_path / "archive"
    probe = subprocess.run(
        [
            "unshare",
            "-n",
            sys.executable,
            "-c",
            "import socket; s = socket.socket(); s.settimeout(2); print(s.connect_ex(('192.0.2.1', "
            "443)))",
        ],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert probe.stdout.strip() != "0"  # the namespace really has no route out
    done = subprocess.run(
        [
            "unshare",
            "-n",
            sys.executable,
            "-m",
            "archiver",
            "extract",
            str(SEEDS),
            "--archive",
            str(archive),
            "--jobs",
            "2",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == "Read 1 file, skipped 0; found 2 embeds: 2 new, 0 updated, 0 unchanged.\n"
    listed = subprocess.run(
        ["unshare", "-n", sys.executable, "-m", "archiver", "list", "--archive", str(archive)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert [line.split("  ")[2] for line in listed.stdout.splitlines()] == [
        "@Lactualite",
        "@Val_Plante",
    ]


# What only a run that reads the web loads: the HTTP client and the modules around it.
WEB_MODULES = ("urllib3", "http.client", "archiver.fetch", "archiver.feeds", "archiver.warclog")


def test_commands_without_addresses_never_load_the_web_client(tmp_path: Path) -> None:
    """In a fresh process, every command on local input runs without importing an HTTP client."""
    script = f"""
import sys
from click.testing import CliRunner
from archiver.cli import cli
archive = {str(tmp_path / "archive")!r}
for args in (["extract", {str(SEEDS)!r}], ["list"], ["show", "t-49de08804494990c"],
             ["search", "CORIM"], ["export"], ["render", "--format", "html"]):
    result = CliRunner().invoke(cli, args + ["--archive", archive])
    assert result.exit_code == 0, (args, result.output)
print(sorted(m for m in sys.modules if m.startswith({WEB_MODULES!r})))
"""
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == "[]\n"


@pytest.mark.skipif(not unshare_works(), reason="unshare -n is not available here")
def test_an_address_without_a_network_is_skipped_and_the_files_are_read(tmp_path: Path) -> None:
    """With no route out, a web address is one skipped line; the local inputs are archived."""
    url = "http://192.0.2.1/2023/04/article"  # RFC 5737: reaches nothing even with a network
    done = subprocess.run(
        ["unshare", "-n", sys.executable, "-m", "archiver", "extract", str(SEEDS), url,
         "--archive", str(tmp_path / "archive")],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 1
    assert done.stderr == f"skipped {url}: connection refused or unreachable\n"
    assert done.stdout == (
        "Read 1 file and 0 web pages (0 fetched, 0 from earlier captures), skipped 1; "
        "found 2 embeds: 2 new, 0 updated, 0 unchanged.\n"
    )
