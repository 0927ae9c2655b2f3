"""The benchmark corpus generator (benchmarks/corpus.py): same arguments, same bytes; and the
extractor finds every embed it plants, and nothing in pages that have none."""

from __future__ import annotations

import hashlib
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from archiver.extract import extract_bytes

from .conftest import ROOT, need_shared


@pytest.fixture(scope="module")
def corpus() -> ModuleType:
    """benchmarks/corpus.py, imported by path (benchmarks/ is not a package)."""
    need_shared()
    spec = importlib.util.spec_from_file_location("bench_corpus", ROOT / "benchmarks/corpus.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while building
    spec.loader.exec_module(module)
    return module


def digests(folder: Path) -> dict[str, str]:
    """Relative path -> sha256 of every file under ``folder``."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_same_arguments_same_bytes(corpus: ModuleType, tmp_path: Path) -> None:
    first = corpus.generate(tmp_path / "a", 12, "news", seed=3)
    corpus.generate(tmp_path / "b", 12, "news", seed=3)
    assert digests(tmp_path / "a") == digests(tmp_path / "b")
    corpus.generate(tmp_path / "c", 12, "news", seed=4)
    assert digests(tmp_path / "a") != digests(tmp_path / "c")
    # Article i does not depend on the corpus around it: a 4x corpus is a superset.
    tail = corpus.generate(tmp_path / "d", 4, "news", seed=3, start=8)
    assert [a.path for a in tail] == [a.path for a in first[8:]]
    for info in tail:
        assert (tmp_path / "d" / info.path).read_bytes() == (
            tmp_path / "a" / info.path
        ).read_bytes()


@pytest.mark.parametrize(("profile", "count"), [("embeds", 16), ("news", 24)])
def test_extractor_finds_what_was_planted(
    corpus: ModuleType, tmp_path: Path, profile: str, count: int
) -> None:
    made = corpus.generate(tmp_path, count, profile)
    html_sizes = [a.size for a in made if a.kind == "html"]
    assert min(html_sizes) >= 30_000 and max(html_sizes) <= 150_000
    empty = 0
    for info in made:
        found = extract_bytes((tmp_path / info.path).read_bytes(), info.path).found
        ids = {f.tweet.id for f in found}
        handles = {(f.tweet.handle or "").lower() for f in found}
        for embed_ids in info.ids:  # each pasted embed names its status id (and maybe others)
            assert ids & set(embed_ids), (info.path, embed_ids, ids)
        for handle in info.handles:
            assert handle.lower() in handles, (info.path, handle, handles)
        if info.embeds == 0:
            empty += 1
            assert not found, (info.path, [f.tweet.key for f in found])
    if profile == "embeds":
        assert empty == 0
    else:
        assert 0 < empty < count
