"""The one traversal-safe join every write goes through, and atomic writes.

Names derived from input (handles, keys, article paths) never leave the folder they are
written into: ``safe_join`` refuses absolute parts, ``..``, NUL and Windows device names, and
checks the resolved result is still inside the root.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from pathlib import Path

from archiver.errors import UnsafePathError

_WINDOWS_RESERVED = {"con", "prn", "aux", "nul"} | {
    f"{p}{i}" for p in ("com", "lpt") for i in range(1, 10)
}
_UNSAFE_CHARS = re.compile(r"[^A-Za-z0-9_.-]+")
MAX_NAME = 100
_UMASK = os.umask(0o022)
os.umask(_UMASK)  # read once at import: os.umask can only be read by setting it


def safe_name(text: str, fallback: str = "_") -> str:
    """A file-name component made from untrusted text: ASCII letters, digits, ``_.-`` only."""
    name = _UNSAFE_CHARS.sub("_", text).strip("._") or fallback
    name = name[:MAX_NAME]
    if name.split(".")[0].lower() in _WINDOWS_RESERVED:
        name = "_" + name
    return name


def safe_join(root: Path, *parts: str) -> Path:
    """Join ``parts`` under ``root``; raise UnsafePathError if the result would escape it."""
    root = Path(root)
    for part in parts:
        if "\x00" in part:
            raise UnsafePathError(f"NUL byte in path component {part!r}")
        pieces = part.replace("\\", "/").split("/")
        if Path(part).is_absolute() or part.startswith(("/", "\\")) or ".." in pieces:
            raise UnsafePathError(f"path component {part!r} would leave {root}")
        for piece in pieces:
            # Windows drops trailing spaces and dots: "con " and "con ." name the device too.
            if piece.split(".")[0].rstrip(" ").lower() in _WINDOWS_RESERVED:
                raise UnsafePathError(f"reserved device name in {part!r}")
            if len(piece.encode("utf-8")) > 255:
                raise UnsafePathError(f"path component too long: {piece[:40]!r}…")
    target = root.joinpath(*parts)
    real_root = root.resolve()
    real_target = target.resolve()
    if real_target != real_root and real_root not in real_target.parents:
        raise UnsafePathError(f"{target} resolves outside {root}")
    return target


def write_atomic(root: Path, relpath: str, data: bytes | str, *, durable: bool = True) -> Path:
    """Write ``data`` to ``root/relpath`` via a temporary file and a rename.

    A reader (or a crash) sees either the old file or the complete new one, never a
    truncated file. Returns the path written. ``durable=False`` skips the fsync (7 ms a file
    on a busy disk, 70 times the write): for a run of many files that calls ``os.sync()``
    once before it records them as done, as ``archiver render`` does.
    """
    target = safe_join(root, relpath)
    target.parent.mkdir(parents=True, exist_ok=True)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=target.suffix)
    try:
        # mkstemp makes the file 0600; give it the mode a plain open() would, so a web server
        # or another user importing shards can read what archiver wrote.
        os.fchmod(fd, 0o666 & ~_UMASK)
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            if durable:
                os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    return target


def write_if_changed(root: Path, relpath: str, data: bytes | str, *, durable: bool = True) -> bool:
    """Write atomically unless the file already holds exactly ``data``; True if written."""
    target = safe_join(root, relpath)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        if target.read_bytes() == payload:
            return False
    except (FileNotFoundError, NotADirectoryError):
        pass
    write_atomic(root, relpath, payload, durable=durable)
    return True
