"""Shared fixtures: the reference data in ../shared, a fresh archive, and no network."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SEEDS = ROOT / "seeds"
IN_CI = os.environ.get("CI", "").lower() == "true"
ARTIFACTS = ROOT / "test-artifacts"  # screenshots to look at (git-ignored)
CHROMIUM = Path("/usr/bin/chromium")  # Debian's package; never `playwright install`
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    # No DNS either, for what request interception cannot see (dns-prefetch).
    "--host-resolver-rules=MAP * ~NOTFOUND",
]


def need_shared() -> Path:
    """The shared reference folder; skip (or, under CI, fail) when it is absent."""
    if not SHARED.is_dir():
        if IN_CI:
            pytest.fail(f"{SHARED} is missing: CI must run beside shared/")
        pytest.skip(f"{SHARED} is not here")
    return SHARED


def missing_browser() -> str | None:
    """Why the browser tests cannot run here, or None."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed (pip install -e '.[test]')"
    if not CHROMIUM.is_file():
        return f"{CHROMIUM} is missing (Debian package chromium: sh scripts/system-deps.sh)"
    return None


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless Debian Chromium, shared by a module's tests (skips, or fails under CI)."""
    reason = missing_browser()
    if reason:
        if IN_CI:
            pytest.fail(f"browser tests cannot run under CI=true: {reason}", pytrace=False)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


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
