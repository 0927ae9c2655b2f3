"""Shared fixtures: the reference data in ../shared, a fresh archive, and no network."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SEEDS = ROOT / "seeds"
IN_CI = os.environ.get("CI", "").lower() == "true"


def need_shared() -> Path:
    """The shared reference folder; skip (or, under CI, fail) when it is absent."""
    if not SHARED.is_dir():
        if IN_CI:
            pytest.fail(f"{SHARED} is missing: CI must run beside shared/")
        pytest.skip(f"{SHARED} is not here")
    return SHARED


class NetworkAccess(AssertionError):
    """Raised when code under test tries to reach a host."""


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test runs with outbound connections and DNS look-ups failing loudly.

    Local (AF_UNIX) sockets stay allowed: browsers are driven over pipes and sockets here.
    """
    real_connect = socket.socket.connect

    def guarded_connect(self: socket.socket, address: object) -> None:
        if self.family == socket.AF_UNIX:
            return real_connect(self, address)
        raise NetworkAccess(f"network access attempted: connect to {address!r}")

    def guarded_getaddrinfo(host: object, *args: object, **kwargs: object) -> None:
        raise NetworkAccess(f"network access attempted: DNS look-up of {host!r}")

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    monkeypatch.setattr(socket.socket, "connect_ex", guarded_connect)
    monkeypatch.setattr(socket, "getaddrinfo", guarded_getaddrinfo)
    monkeypatch.setattr(
        socket,
        "create_connection",
        lambda *a, **k: guarded_connect(socket.socket(), a[0] if a else None),
    )


@pytest.fixture
def archive_dir(tmp_path: Path) -> Path:
    """A fresh, empty archive folder."""
    return tmp_path / "archive"
