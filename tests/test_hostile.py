"""Hostile input, one document at a time: nothing raises past the per-file boundary.

* Every file of the nasty corpus (``tests/nasty.py``) gives exactly what it must (its tweet,
  decoded right, or a skip with its exact reason) within ``nasty.LIMIT`` seconds.
* Fuzzing: mutations of the real corpus, arbitrary bytes and random tag soup go through
  ``extract_bytes`` (which may raise only ArchiverError subclasses) and ``run_job`` (which
  may not raise at all), each within the time limit, and whatever they give can be stored.
  Hypothesis runs derandomized with a fixed number of examples: the same inputs every run.
* Names derived from input never leave their folder: ``safe_join`` and ``safe_name`` refused
  or neutralise traversal, absolute paths, NUL, long and reserved names; end to end, an
  article full of hostile handles, names and text writes nothing outside the archive.
"""

from __future__ import annotations

import codecs
import json
import os
import re
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archiver.errors import ArchiverError, UnsafePathError
from archiver.extract import extract_bytes
from archiver.extract.common import HANDLE
from archiver.model import Document, Tweet
from archiver.paths import MAX_NAME, safe_join, safe_name
from archiver.pipeline import Job, Skipped, run_job
from archiver.render import card_relpath
from archiver.store import Archive

from . import nasty
from .conftest import SHARED, need_shared

KEY = re.compile(r"\d{1,19}|t-[0-9a-f]{16}")
FUZZ_EXAMPLES = 400
PROPERTY_EXAMPLES = 120


def check_document(doc: Document) -> None:
    """What every extraction result must satisfy, however hostile its input."""
    for found in doc.found:
        tweet = found.tweet
        assert KEY.fullmatch(tweet.key), tweet.key
        assert tweet.key == (tweet.id or tweet.key)
        assert tweet.handle is None or HANDLE.fullmatch(tweet.handle), tweet.handle
        assert tweet.id is not None or tweet.text, tweet
        if tweet.url is not None:
            assert re.fullmatch(r"https://(twitter|x)\.com/[A-Za-z0-9_/]+/status/\d+", tweet.url)
        for item in (*tweet.links, *tweet.media):
            assert item.url.startswith(("http://", "https://")), item
        assert safe_name(tweet.key) == tweet.key


def extract_in_time(data: bytes, name: str) -> Document | None:
    """``extract_bytes`` within the limit; None when it refused the input (an ArchiverError)."""
    start = time.perf_counter()
    try:
        doc = extract_bytes(data, name)
    except ArchiverError:
        doc = None
    elapsed = time.perf_counter() - start
    assert elapsed < nasty.LIMIT, f"{name}: {elapsed:.1f} s"
    return doc


# -- the nasty corpus, file by file ----------------------------------------------------------

CASES = nasty.cases()


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_nasty_file_gives_exactly_what_it_must(case: nasty.Case) -> None:
    start = time.perf_counter()
    result = run_job(Job(Path(case.name), case.name, data=case.data))
    elapsed = time.perf_counter() - start
    assert elapsed < case.limit, f"{case.name} took {elapsed:.1f} s"
    if case.skip is not None:
        assert result == Skipped(case.name, case.skip)
        return
    assert isinstance(result, Document), result
    check_document(result)
    got = [f.tweet for f in result.found]
    assert len(got) == len(case.tweets), [(t.id, (t.text or "")[:30]) for t in got]
    for want, tweet in zip(case.tweets, got, strict=True):
        for name in ("id", "handle", "author", "text"):
            if getattr(want, name) is not None:
                assert getattr(tweet, name) == getattr(want, name), (name, tweet)
        if want.text is not None:
            assert tweet.date == nasty.DATE


def test_a_credit_line_of_half_a_million_handles_is_read_in_bounded_memory() -> None:
    """Keeping every ``(@handle)`` match of the line once took 44 bytes per byte of input."""
    data = (f"{nasty.TEXT}\n\u2014 {nasty.AUTHOR} " + "(@a)" * 500_000 + "\n").encode()
    tracemalloc.start()  # slows the run down: memory is checked here, time elsewhere
    try:
        extract_bytes(data, "handles.txt")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 20 * len(data), f"{peak / len(data):.0f} bytes per input byte"


def test_a_page_of_thousands_of_embeds_is_read_in_linear_time() -> None:
    """Folding copies compared every pair of embeds: 3,000 of them took about 20 s."""
    embeds = "\n".join(nasty.embed(str(10**15 + i), f"Tweet {i}.") for i in range(3_000))
    doc = extract_in_time(nasty.page(embeds).encode(), "many.html")
    assert doc is not None
    assert [f.tweet.id for f in doc.found] == [str(10**15 + i) for i in range(3_000)]


def test_hundreds_of_unclosed_embeds_are_read_whole_and_in_time() -> None:
    """Each unclosed embed holds all the ones after it: 600 levels, past libxml2's default 256."""
    embeds = "".join(nasty.embed(str(10**15 + i), f"Tweet {i}.", close=False) for i in range(600))
    doc = extract_in_time(nasty.page(embeds).encode(), "unclosed.html")
    assert doc is not None
    assert [f.tweet.text for f in doc.found] == [f"Tweet {i}." for i in range(600)]


def test_every_encoding_of_the_tweet_decodes_to_the_same_text() -> None:
    """The same tweet in each encoding: never mojibake, never a replacement character."""
    decoded = set()
    for case in CASES:
        if case.tweets == (nasty.THE_TWEET,) or case.tweets == (nasty.Expected(id=None),):
            (found,) = extract_bytes(case.data, case.name).found
            decoded.add((found.tweet.author, found.tweet.text))
            assert "\ufffd" not in found.tweet.text and "Ã" not in found.tweet.text
    assert decoded == {(nasty.AUTHOR, nasty.TEXT)}


def test_nasty_corpus_script_writes_the_files(tmp_path: Path) -> None:
    """``python -m tests.nasty OUTDIR`` makes the corpus the tests use, special files too."""
    out = tmp_path / "nasty"
    done = subprocess.run(
        [sys.executable, "-m", "tests.nasty", str(out)],
        cwd=nasty_root(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"wrote {len(CASES) + 6} nasty files to {out} (")
    for case in CASES:
        assert (out / case.name).read_bytes() == case.data
    assert (out / "loop" / "up").is_symlink()


def nasty_root() -> Path:
    """The folder ``tests`` is importable from."""
    return Path(nasty.__file__).resolve().parents[1]


# -- fuzzing -----------------------------------------------------------------------------------

HOSTILE_TOKENS = [
    b'<blockquote class="twitter-tweet">',
    b"</blockquote>",
    b"<blockquote>",
    b"<p>",
    b"</p>",
    b'<a href="https://twitter.com/jack/status/20">',
    b"</a>",
    b"(@",
    b"(@jack)",
    b"@",
    b"(",
    "\u2014 Jack (@jack) March 21, 2006".encode(),
    "\u2014".encode(),
    b"&mdash;",
    b"<!--",
    b"-->",
    b"\x00",
    b"\xff",
    b"\xe2\x80",
    codecs.BOM_UTF8,
    codecs.BOM_UTF16_LE,
    b"<script>",
    b"<textarea>",
    b"</textarea>",
    b"pic.twitter.com/abc",
    b"https://t.co/x",
    b"{{< tweet 20 >}}",
    b"{% tweet ",
    b"<Tweet id=",
    b"```\n",
    b"\n> ",
    b"\n",
    b"\r",
    b" " * 64,
    b"\t",
    b'<meta charset="utf-16">',
    b'<meta charset="iso-8859-1">',
    b"<",
    b">",
    b"&",
    b"#",
    b"$",
    b'<amp-twitter data-tweetid="20">',
    b'<iframe data-tweet-id="20">',
    b"<div data-tweet-id=",
    b'<p class="Tweet-text">',
    b'<time datetime="2006-03-21T20:50:14Z">',
    b"<html>",
    b"<body>",
    b"&#xD800;",
    b"&#0;",
    b".. raw:: html\n\n   ",
    b"\xc3",
    b"\x92",
    b"\x97",
]


def _corpus_files() -> list[Path]:
    if not SHARED.is_dir():
        return []
    found = [
        p
        for folder in ("corpus", "corpus/supplementary", "corpus-text")
        for p in sorted((SHARED / folder).iterdir())
        if p.is_file() and p.suffix not in (".json",)
    ]
    return found


CORPUS_FILES = _corpus_files()

mutation = st.tuples(
    st.sampled_from(["insert", "delete", "overwrite", "repeat", "truncate", "flip", "splice"]),
    st.floats(min_value=0, max_value=1),
    st.integers(min_value=1, max_value=3000),
    st.one_of(st.sampled_from(HOSTILE_TOKENS), st.binary(min_size=1, max_size=24)),
)


def mutate(data: bytes, steps: list[tuple[str, float, int, bytes]], other: bytes) -> bytes:
    """Apply mutation steps (an operation, where, how many, what) to a document's bytes."""
    for op, where, count, token in steps:
        at = int(where * len(data))
        if op == "insert":
            data = data[:at] + token + data[at:]
        elif op == "delete":
            data = data[:at] + data[at + count :]
        elif op == "overwrite":
            data = data[:at] + token + data[at + len(token) :]
        elif op == "repeat":
            data = data[:at] + token * count + data[at:]
        elif op == "truncate":
            data = data[:at]
        elif op == "flip" and data:
            at = min(at, len(data) - 1)
            data = data[:at] + bytes([data[at] ^ (count & 0xFF or 1)]) + data[at + 1 :]
        elif op == "splice":
            start = int(where * len(other))
            data = data[:at] + other[start : start + count * 8] + data[at:]
    return data


@pytest.fixture(scope="module")
def fuzz_archive(tmp_path_factory: pytest.TempPathFactory) -> Archive:
    """One archive every fuzzed document is saved into: anything extracted can be stored."""
    with Archive(tmp_path_factory.mktemp("fuzz") / "archive") as archive:
        yield archive


@settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ],
)
@given(
    pick=st.integers(min_value=0, max_value=10**6),
    other=st.integers(min_value=0, max_value=10**6),
    steps=st.lists(mutation, min_size=1, max_size=6),
    rename=st.sampled_from([None, "x.html", "x.md", "x.txt", "x.rst", "x"]),
)
def test_fuzz_corpus_mutations_never_escape_the_boundary(
    fuzz_archive: Archive, pick: int, other: int, steps: list, rename: str | None
) -> None:
    need_shared()
    source = CORPUS_FILES[pick % len(CORPUS_FILES)]
    data = mutate(source.read_bytes(), steps, CORPUS_FILES[other % len(CORPUS_FILES)].read_bytes())
    name = rename or source.name
    doc = extract_in_time(data, name)
    if doc is not None:
        check_document(doc)
        fuzz_archive.save_documents([doc])
    result = run_job(Job(Path(name), name, data=data))
    assert isinstance(result, Document | Skipped)
    if isinstance(result, Skipped):
        assert result.reason and "\n" not in result.reason and "unexpected" not in result.reason


@settings(
    max_examples=PROPERTY_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    data=st.binary(max_size=4096),
    name=st.sampled_from(["a.html", "a.md", "a.txt", "a.rst", "a.mdx", "a"]),
)
def test_arbitrary_bytes_raise_only_archiver_errors(data: bytes, name: str) -> None:
    doc = extract_in_time(data, name)
    if doc is not None:
        check_document(doc)


TAGS = [
    'blockquote class="twitter-tweet"',
    "blockquote",
    "p",
    "div",
    "span",
    "b",
    "i",
    "a",
    'a href="https://twitter.com/jack/status/20"',
    'a href="https://twitter.com/jack"',
    'div class="tweet-text"',
    'p class="Tweet-text"',
    'amp-twitter data-tweetid="20"',
    'iframe data-tweet-id="21"',
    "textarea",
    "script",
    "time",
    "br",
    "img class=emoji alt=x",
]
FRAGMENTS = [
    "Hello",
    " ",
    "\u2014 Jack (@jack) March 21, 2006",
    "(@jack)",
    "@jack",
    "#tag",
    "pic.twitter.com/x",
    "&mdash;",
    "\n",
    "<!-- c -->",
    "https://t.co/x",
    "é’«»€",
]


def _element(tag: str, children: list[str], close: bool) -> str:
    name = tag.split()[0]
    return f"<{tag}>" + "".join(children) + (f"</{name}>" if close else "")


soup = st.recursive(
    st.sampled_from(FRAGMENTS),
    lambda inner: st.builds(
        _element, st.sampled_from(TAGS), st.lists(inner, max_size=5), st.booleans()
    ),
    max_leaves=60,
)


@settings(
    max_examples=PROPERTY_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(body=st.lists(soup, min_size=1, max_size=6), wrap=st.booleans())
def test_random_tag_soup_raises_only_archiver_errors(body: list[str], wrap: bool) -> None:
    html = "".join(body)
    if wrap:
        html = f"<html><body>{html}</body></html>"
    for name in ("soup.html", "soup.md"):
        doc = extract_in_time(html.encode(), name)
        if doc is not None:
            check_document(doc)


# -- names derived from input ------------------------------------------------------------------

ESCAPES = [
    "../x",
    "a/../../x",
    "..",
    "../../../../etc/passwd",
    "/etc/passwd",
    "/",
    "\\\\server\\share",
    "a\\..\\..\\x",
    "x/../../y",
    "./../x",
    "a/b/../../../c",
]
RESERVED = [
    "con",
    "CON",
    "con.html",
    "Con.tar.gz",
    "prn",
    "aux",
    "nul",
    "NUL.txt",
    "com1",
    "COM9.png",
    "lpt1",
    "lpt9.x",
    "con ",
    "aux .html",
    "a/nul/b",
]


@pytest.mark.parametrize("part", ESCAPES)
def test_safe_join_refuses_what_would_leave_the_root(tmp_path: Path, part: str) -> None:
    with pytest.raises(UnsafePathError):
        safe_join(tmp_path, part)
    with pytest.raises(UnsafePathError):
        safe_join(tmp_path, "tweets", part)


@pytest.mark.parametrize("part", RESERVED)
def test_safe_join_refuses_windows_device_names(tmp_path: Path, part: str) -> None:
    with pytest.raises(UnsafePathError, match="reserved device name"):
        safe_join(tmp_path, part)


def test_safe_join_refuses_nul_and_overlong_names(tmp_path: Path) -> None:
    with pytest.raises(UnsafePathError, match="NUL byte"):
        safe_join(tmp_path, "a\x00b.html")
    with pytest.raises(UnsafePathError, match="too long"):
        safe_join(tmp_path, "a" * 256)
    with pytest.raises(UnsafePathError, match="too long"):
        safe_join(tmp_path, "é" * 128)  # 256 bytes in UTF-8
    assert safe_join(tmp_path, "a" * 255) == tmp_path / ("a" * 255)


def test_safe_join_refuses_a_symlink_out_of_the_root(tmp_path: Path) -> None:
    root = tmp_path / "root"
    root.mkdir()
    (root / "tweets").symlink_to(tmp_path, target_is_directory=True)
    with pytest.raises(UnsafePathError, match="resolves outside"):
        safe_join(root, "tweets/x.html")


def test_safe_join_keeps_ordinary_paths(tmp_path: Path) -> None:
    assert safe_join(tmp_path, "tweets/jack/20.png") == tmp_path / "tweets" / "jack" / "20.png"
    assert safe_join(tmp_path, "a/./b") == tmp_path / "a" / "b"
    assert safe_join(tmp_path, "icon.html", "console") == tmp_path / "icon.html" / "console"


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("../../etc/passwd", "etc_passwd"),
        ("/abs/path", "abs_path"),
        ("a\x00b", "a_b"),
        ("con", "_con"),
        ("CON.txt", "_CON.txt"),
        ("aux ", "_aux"),
        ("nul.tar.gz", "_nul.tar.gz"),
        ("..", "_"),
        (".", "_"),
        ("", "_"),
        ("...", "_"),
        (".hidden", "hidden"),
        ("x/y\\z", "x_y_z"),
        ("a" * 300, "a" * MAX_NAME),
        ("C:\\Windows", "C_Windows"),
        ("\u202etxt.exe", "txt.exe"),
    ],
)
def test_safe_name(text: str, name: str) -> None:
    assert safe_name(text) == name


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(st.text(max_size=300))
def test_safe_name_of_any_text_is_one_safe_component(text: str) -> None:
    name = safe_name(text)
    assert re.fullmatch(r"[A-Za-z0-9_-][A-Za-z0-9_.-]{0,99}", name), name
    assert name not in (".", "..")
    safe_join(Path("/archive"), name)  # never refused


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(handle=st.one_of(st.none(), st.text(max_size=40)), key=st.text(min_size=1, max_size=80))
def test_card_paths_of_any_record_stay_inside(handle: str | None, key: str) -> None:
    """Even a record no extractor makes (an imported one) gets a card path inside the root."""
    root = Path("/archive")
    for ext in ("html", "png", "json"):
        relpath = card_relpath(Tweet(key=key, handle=handle), ext)
        assert safe_join(root, relpath).is_relative_to(root)


HOSTILE_ARTICLE = """<!DOCTYPE html><html><head><title>../../../etc/passwd</title>
<link rel="canonical" href="file:///etc/passwd"></head><body>
<blockquote class="twitter-tweet"><p lang="../../x">$(touch /tmp/pwned) `reboot` ../../../x
<script>alert(1)</script> &lt;img src=x onerror=alert(1)&gt;</p>&mdash; ../../../../etc/passwd
(@../../etc) <a href="https://twitter.com/..%2F..%2Fetc/status/20">March 21, 2006</a>
</blockquote>
<blockquote class="twitter-tweet"><p>second</p>&mdash; CON (@con) <a
href="https://twitter.com/con/status/21">March 21, 2006</a></blockquote>
<blockquote class="twitter-tweet"><p>third</p>&mdash; x (@aux) <a
href="https://twitter.com/a/status/99999999999999999999999">x</a></blockquote>
<div class="tweet"><div class="tweet-text">card</div>
<span class="screen-name">@../../../root/.ssh</span>
<a href="https://twitter.com/x/status/22">link</a></div>
<amp-twitter data-tweetid="../../../23"></amp-twitter>
</body></html>
"""
HOSTILE_MARKDOWN = """---
title: "../../../../etc/shadow"
---
{{< tweet user="../../../../tmp/evil" id="24" >}}
{{< tweet user="/etc" id="../25" >}}
<Tweet id="../../26" />
{% twitter https://twitter.com/../../status/27 %}

$(rm -rf ~) ../../../evil `id`
\u2014 ../../x (@nul) March 21, 2006
"""
HOSTILE_NAMES = [
    "..%2F..%2Fevil.html",
    "CON.html",
    "$(touch pwned).md",
    "-rf.html",
    "a" * 200 + ".html",
    "` id`.txt",
    "*.html",
    "..html",
]


def test_hostile_article_writes_nothing_outside_the_archive(tmp_path: Path) -> None:
    """End to end: hostile handles, names, text and file names; only the archive changes."""
    inputs = tmp_path / "in"
    inputs.mkdir()
    for name in HOSTILE_NAMES:
        text = HOSTILE_MARKDOWN if name.endswith((".md", ".txt")) else HOSTILE_ARTICLE
        (inputs / name).write_text(text, encoding="utf-8")
    work = tmp_path / "cwd"
    work.mkdir()
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    archive = tmp_path / "archive"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "archiver",
            "extract",
            str(inputs),
            "--archive",
            str(archive),
            "--jobs",
            "2",
        ],
        cwd=work,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "HOME": str(work), "TMPDIR": str(work)},
    )
    assert done.returncode == 0, done.stderr
    after = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    new = [p for p in after if p not in before]
    assert new and all(p.parts[0] == "archive" for p in new), new
    assert {p.name for p in archive.iterdir()} <= {
        "archive.sqlite",
        "archive.sqlite-wal",
        "archive.sqlite-shm",
    }
    assert not Path("/tmp/pwned").exists()
    exported = subprocess.run(
        [sys.executable, "-m", "archiver", "export", "--archive", str(archive)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    records = [json.loads(line) for line in exported.stdout.splitlines()]
    assert sorted(r["key"] for r in records if r["id"]) == ["21", "22", "24"], records
    (flattened,) = [r for r in records if not r["id"]]
    assert (flattened["author"], flattened["handle"]) == ("../../x", "nul")
    assert flattened["text"] == "$(rm -rf ~) ../../../evil `id`"  # kept as data, inert
    for record in records:
        assert record["handle"] is None or HANDLE.fullmatch(record["handle"]), record
        assert safe_name(record["key"]) == record["key"]
        tweet = Tweet(key=record["key"], handle=record["handle"])
        assert safe_join(archive, card_relpath(tweet, "png")).is_relative_to(archive)


def test_a_page_followed_by_a_second_document_keeps_its_evidence() -> None:
    # Found by the fuzzer: a whole HTML page, then a Markdown post with embeds after </html>.
    # lxml moves what follows </html> under a root of its own, where the element-rank index
    # of the evidence finder did not look.
    need_shared()
    html = (SHARED / "corpus" / "goose3__tests-data-tweets-test_tweet.html").read_bytes()
    post = SHARED / "corpus" / "ashfurrow-blog__2012-09-02-fast-search-as-you-type-in-ios.md"
    data = html + post.read_bytes()
    doc = extract_bytes(data, "mixed.md")
    assert len(doc.found) >= 2
    assert all(f.snippet for f in doc.found)


@pytest.mark.parametrize(
    ("name", "text"),
    [
        # Delimiters of ever other lengths that never close (a back-reference regex took 13 s).
        ("blocks.adoc", "\n".join("-" * (4 + i) + "\nline" for i in range(1500))),
        # Executed chunks whose fences never close (a back-reference regex took 5.5 s).
        ("chunks.Rmd", "\n".join("`" * (1403 - i) + "{r}\nline" for i in range(1400))),
    ],
)
def test_unclosed_blocks_of_source_formats_take_linear_time(name: str, text: str) -> None:
    assert extract_in_time(text.encode(), name) is not None
