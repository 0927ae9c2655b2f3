"""The Dask extra: shards from a local cluster, imported, equal a plain extract byte for byte."""

from __future__ import annotations

import ipaddress
import json
import socket
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from archiver.distributed import extract_to_shards, main
from archiver.errors import ArchiverError
from archiver.extract import extract_bytes
from archiver.pipeline import Skipped

from .conftest import IN_CI, NetworkAccess, need_shared
from .test_cli import run
from .test_warc import (
    ATLANTIC,
    BASICTHINKING,
    CORPUS,
    HERTHA,
    MASHABLE,
    REQUEST_BODY,
    export,
    write_warc,
)

# The real socket functions, taken at import: the autouse no_network fixture replaces them
# for every test, and loopback_only needs the originals underneath its own check.
_CONNECT = socket.socket.connect
_CONNECT_EX = socket.socket.connect_ex
_GETADDRINFO = socket.getaddrinfo
_CREATE_CONNECTION = socket.create_connection


def _loopback(host: object) -> bool:
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(str(host).split("%")[0]).is_loopback
    except ValueError:
        return False


def _check(host: object, what: str) -> None:
    if not _loopback(host):
        raise NetworkAccess(f"network access attempted: {what} {host!r} (only loopback here)")


@pytest.fixture
def loopback_only(no_network: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """Like no_network, but a local Dask cluster may talk to itself over 127.0.0.1."""

    def connect(self: socket.socket, address: object) -> None:
        if self.family != socket.AF_UNIX:
            _check(address[0], "connect to")  # type: ignore[index]
        return _CONNECT(self, address)

    def connect_ex(self: socket.socket, address: object) -> int:
        if self.family != socket.AF_UNIX:
            _check(address[0], "connect to")  # type: ignore[index]
        return _CONNECT_EX(self, address)

    def getaddrinfo(host: object, *args: object, **kwargs: object) -> list:
        _check(host, "DNS look-up of")
        return _GETADDRINFO(host, *args, **kwargs)

    def create_connection(address: tuple, *args: object, **kwargs: object) -> socket.socket:
        _check(address[0], "connect to")
        return _CREATE_CONNECTION(address, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(socket, "create_connection", create_connection)


def need_distributed() -> ModuleType:
    """``distributed``; skip without the extra (under CI, where it is installed, fail)."""
    try:
        import distributed
    except ImportError:
        if IN_CI:
            pytest.fail("dask[distributed] is missing: CI installs the test extra")
        pytest.skip("dask[distributed] is not installed (pip install 'archiver[dask]')")
    return distributed


def test_loopback_only_still_refuses_other_hosts(loopback_only: None) -> None:
    with pytest.raises(NetworkAccess):
        socket.getaddrinfo("example.org", 443)
    with socket.socket() as sock, pytest.raises(NetworkAccess):
        sock.connect(("192.0.2.1", 80))
    assert socket.getaddrinfo("127.0.0.1", 80)


def test_shards_of_a_cluster_import_to_what_extract_gives(
    tmp_path: Path, loopback_only: None, capsys: pytest.CaptureFixture
) -> None:
    need_shared()
    distributed = need_distributed()
    warcs = [tmp_path / "a.warc.gz", tmp_path / "b.warc", tmp_path / "c.warc.gz"]
    write_warc(warcs[0], [MASHABLE, BASICTHINKING], compress=True)
    write_warc(warcs[1], [ATLANTIC], compress=False)
    write_warc(warcs[2], [HERTHA, MASHABLE], compress=True)
    stub, full = (
        CORPUS / f"ashfurrow-blog__2015-11-16-building-online-communities.{kind}.md"
        for kind in ("eleventy-shortcode", "blockquote")
    )
    missing = tmp_path / "gone.html"
    # Stubs in one shard and their full records in the next, a tweet in two web archives,
    # and an input that cannot be read: merging across shards must follow input order.
    inputs = [
        warcs[0],
        stub,
        full,
        warcs[1],
        missing,
        CORPUS / REQUEST_BODY,
        warcs[2],
        CORPUS / "newspaper__dailycaller.com2.html",
    ]
    shard_dir = tmp_path / "shards"
    shard_dir.mkdir()
    (shard_dir / "shard-99999.jsonl").write_text("left by an earlier run\n")
    skipped: list[Skipped] = []

    with (
        distributed.LocalCluster(
            n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        shards = extract_to_shards(
            inputs, shard_dir, client=client, partition_size=2, on_skip=skipped.append
        )
        status = main(
            [
                "--scheduler",
                cluster.scheduler_address,
                "--out",
                str(tmp_path / "again"),
                "--partition-size",
                "2",
                *map(str, inputs),
            ]
        )

    assert [p.name for p in shards] == [f"shard-0000{i}.jsonl" for i in (0, 2, 4, 6)]
    assert sorted(shard_dir.glob("*.jsonl")) == shards
    assert skipped == [Skipped(str(missing), "file not found")]
    assert status == 1
    assert capsys.readouterr().err == f"skipped {missing}: file not found\n"
    for shard in shards:
        assert (tmp_path / "again" / shard.name).read_bytes() == shard.read_bytes()

    imported = run("import", *map(str, shards), "--archive", str(tmp_path / "imported"))
    plain = run("extract", *map(str, inputs), "--archive", str(tmp_path / "plain"))
    assert imported.output == "Imported 52 records: 36 new, 5 updated, 11 unchanged.\n"
    assert plain.exit_code == 1
    assert plain.output.endswith("found 52 embeds: 36 new, 5 updated, 11 unchanged.\n")
    assert export(tmp_path / "imported") == export(tmp_path / "plain")


def test_without_a_client_local_processes_write_the_shards(tmp_path: Path) -> None:
    need_shared()
    need_distributed()
    pages = [CORPUS / REQUEST_BODY, CORPUS / HERTHA]

    shards = extract_to_shards(pages, tmp_path, partition_size=1)

    assert [p.name for p in shards] == ["shard-00000.jsonl", "shard-00001.jsonl"]
    for page, shard in zip(pages, shards, strict=True):
        expected = extract_bytes(page.read_bytes(), str(page)).to_dict()
        assert [json.loads(line) for line in shard.read_text().splitlines()] == [expected]


def test_standard_input_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ArchiverError, match="standard input cannot be read on a cluster"):
        extract_to_shards(["-"], tmp_path)


def test_missing_extra_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "dask.bag", None)  # what an absent package imports as
    with pytest.raises(ArchiverError, match=r"pip install 'archiver\[dask\]'"):
        extract_to_shards([tmp_path], tmp_path / "shards")


def test_library_imports_neither_click_nor_dask() -> None:
    code = (
        "import sys, archiver.distributed; "
        "print(sorted({'click', 'dask', 'distributed'} & set(sys.modules)))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out == "[]\n"
