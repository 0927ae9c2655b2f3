"""One validation for every record, extracted or imported (archiver/validate.py, issue 13).

The checks: each bad field a hand-made import carried (and more) is refused with its reason;
everything archiver itself writes (exports of the first release, extraction of the real
corpus, exports of a real archive) passes unchanged; on arbitrary JSON nothing but
RecordError is raised, and every record let through renders. Then the two roads in:
``archiver import`` (line by line, ``skipped FILE:LINE: reason``, the rest imported, exit 1)
and ``archiver extract`` (``skipped PATH: record N: reason``).

Hypothesis runs derandomized with a fixed number of examples: the same inputs every run.
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archiver.cli import cli
from archiver.errors import RecordError
from archiver.extract import extract_bytes, iter_inputs
from archiver.model import Document, Link, Tweet
from archiver.pipeline import screened
from archiver.render.html import embed_card_html
from archiver.validate import MAX_ITEMS, MAX_TEXT, validate_document, validate_record

from .conftest import SEEDS, SHARED, need_shared

FIXTURE = Path(__file__).parent / "fixtures" / "archive-v1" / "export.jsonl"
LINES = FIXTURE.read_text(encoding="utf-8").splitlines()
# A stub with an id, a handle and a status URL; and an id-less copy from a text file.
DEREK = json.loads(LINES[7])
PLANTE = json.loads(LINES[1])
PROPERTY = settings(
    derandomize=True,
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def changed(record: dict, **fields: object) -> dict:
    """A copy of ``record`` with some fields replaced (``None`` values kept as null)."""
    out = copy.deepcopy(record)
    out.update(fields)
    return out


def reason(record: object) -> str:
    with pytest.raises(RecordError) as caught:
        validate_record(record)
    return str(caught.value)


# --- what archiver writes passes, unchanged ------------------------------------------------


def test_every_record_of_a_first_release_export_passes_unchanged() -> None:
    for line in LINES:
        data = json.loads(line)
        assert validate_record(data) == Tweet.from_dict(data)


def test_every_field_of_the_record_is_checked() -> None:
    """A field added to Tweet needs its check in archiver/validate.py: this fails until then."""
    assert [f.name for f in dataclasses.fields(Tweet)] == [
        "key", "id", "url", "author", "handle", "date", "created_at", "lang", "text",
        "text_uncertain", "text_alternative", "mentions", "hashtags", "cashtags", "links",
        "media", "sources", "platform", "uri",
    ]  # fmt: skip


def test_absent_optional_fields_are_their_defaults() -> None:
    """A minimal hand-made record: what is not there is null or empty, nothing else."""
    tweet = validate_record({"key": "t-0123456789abcdef", "handle": "jack", "text": "hi"})
    assert tweet == Tweet(key="t-0123456789abcdef", handle="jack", text="hi")
    source = {"path": "old.html"}  # exports of records without a digest or format
    assert validate_record(changed(PLANTE, sources=[source])).sources[0].sha256 == ""


# --- each bad field is refused with its reason ----------------------------------------------

BAD = [
    # The issue's hand-made JSONL.
    (DEREK, {"handle": "../../evil"}, 'handle "../../evil" is not an X handle'),
    (DEREK, {"url": "javascript:alert(1)"}, 'url "javascript:alert(1)" is not an http(s) URL'),
    (DEREK, {"lang": 'en" onmouseover="alert(1)'}, 'lang "en\\" onmouseover=\\"alert(1)" is not'),
    (PLANTE, {"date": "2023-13-45"}, 'date "2023-13-45" is not a calendar date (YYYY-MM-DD)'),
    (
        PLANTE,
        {"media": [{"url": "data:image/svg+xml,<svg onload=alert(1)>", "display": "pic"}]},
        'media 1: url "data:image/svg+xml,<svg onload=alert(1)>" is not an http(s) URL with a host',
    ),
    # Handles, ids and keys.
    (DEREK, {"handle": "a" * 16}, 'handle "aaaaaaaaaaaaaaaa" is not an X handle'),
    (DEREK, {"handle": ""}, "handle is empty"),
    (DEREK, {"id": "52778322153964339x"}, 'id "52778322153964339x" is not an X post id'),
    (DEREK, {"id": str(2**63), "key": str(2**63)}, 'id "9223372036854775808" is not an X post id'),
    (DEREK, {"id": "0527783221539643393"}, 'id "0527783221539643393" is not an X post id'),
    (DEREK, {"id": 527783221539643393}, "id is a number, not a string"),
    (DEREK, {"key": "t-0123456789abcdef"}, 'key "t-0123456789abcdef" is not the record\'s id'),
    (PLANTE, {"key": "../x"}, 'key "../x" of a record without an id is not t- and 16 hex digits'),
    (PLANTE, {"key": None}, "key is null"),
    ({"handle": "jack"}, {}, "key is missing"),
    # Status URLs: the record's own id, on twitter.com or x.com, as extraction writes them.
    (
        DEREK,
        {"url": "https://evil.example/derekgreene/status/527783221539643393"},
        'url "https://evil.example/derekgreene/status/527783221539643393" is not the status URL',
    ),
    (
        DEREK,
        {"url": "https://twitter.com/derekgreene/status/1"},
        'url "https://twitter.com/derekgreene/status/1" is not the status URL of its id',
    ),
    (PLANTE, {"url": "https://twitter.com/i/web/status/1"}, "is not the status URL of its id (it"),
    # Dates and times.
    (PLANTE, {"date": "20230412"}, 'date "20230412" is not a calendar date'),
    (PLANTE, {"date": "2023-02-29"}, 'date "2023-02-29" is not a calendar date'),
    (DEREK, {"created_at": "2014-10-30T11:25:00"}, 'created_at "2014-10-30T11:25:00" is not an'),
    (DEREK, {"created_at": "2014-10-30T25:25:00Z"}, 'created_at "2014-10-30T25:25:00Z" is not'),
    (DEREK, {"created_at": "2014-10-30T11:25:00+00:00"}, "is not an ISO 8601 UTC time"),
    # Language tags.
    (DEREK, {"lang": "en_US"}, 'lang "en_US" is not a language tag'),
    (DEREK, {"lang": '\\"en\\"'}, 'lang "\\\\\\"en\\\\\\"" is not a language tag'),
    # Types and sizes.
    (PLANTE, {"text": "x" * (MAX_TEXT + 1)}, "text is 100,001 characters long (at most 100,000)"),
    (PLANTE, {"author": "A" * 201}, "author is 201 characters long (at most 200)"),
    (PLANTE, {"text": ["a"]}, "text is a list, not a string"),
    (PLANTE, {"mentions": "a b"}, "mentions is a string, not a list"),
    (PLANTE, {"text_uncertain": "yes"}, "text_uncertain is a string, not true or false"),
    (PLANTE, {"text_uncertain": True, "text": None}, "text_uncertain is true but the record has"),
    (PLANTE, {"text_alternative": "x"}, "text_alternative is set but text_uncertain is not true"),
    (PLANTE, {"mentions": ["ok", 3]}, "mentions item 2 is a number, not a string"),
    (PLANTE, {"mentions": [""]}, "mentions item 1 is empty"),
    (PLANTE, {"text": "a \ud800 b"}, "text holds a lone surrogate (character 3)"),
    (PLANTE, {"author": "x\x00"}, "author holds a NUL character (character 2)"),
    (PLANTE, {"hashtags": ["\udfff"]}, "hashtags item 1 holds a lone surrogate (character 1)"),
    (PLANTE, {"hashtags": ["a"] * (MAX_ITEMS + 1)}, "hashtags has 1,001 items (at most 1,000)"),
    (PLANTE, {"links": [{"display": "x"}]}, "link 1: url is missing"),
    (PLANTE, {"links": ["https://t.co/x"]}, "link 1: the link is a string, not an object"),
    (
        PLANTE,
        {"links": [{"url": "https://t.co/x", "display": "x", "expanded": "javascript:x"}]},
        'link 1: expanded "javascript:x" is not an http(s) URL with a host',
    ),
    (
        PLANTE,
        {"links": [{"url": "https://:80/x", "display": "x", "expanded": None}]},
        'link 1: url "https://:80/x" is not an http(s) URL with a host',
    ),
    (
        PLANTE,
        {"links": [{"url": " https://t.co/x", "display": "x"}]},
        'link 1: url " https://t.co/x" is not an http(s) URL',
    ),
    (PLANTE, {"media": [{"url": "//pic.twitter.com/x", "display": "x"}]}, 'url "//pic.twitter'),
    # Sources.
    (PLANTE, {"sources": [{"path": ""}]}, "source 1: path is empty"),
    (PLANTE, {"sources": [{"path": "a", "sha256": "ABC"}]}, 'source 1: sha256 "ABC" is not 64'),
    (
        PLANTE,
        {"sources": [{"path": "a", "format": "pdf"}]},
        'source 1: format "pdf" is not one of asciidoc, html, markdown, notebook, org, rst, '
        "text, wordpress-post",
    ),
    (PLANTE, {"sources": [{"path": "a", "url": "file:///etc/passwd"}]}, 'url "file:///etc/pas'),
    # The record itself, and its platform.
    ([], {}, "the record is a list, not an object"),
    (PLANTE, {"platform": "myspace"}, 'platform "myspace" is not one of x, bluesky, mastodon,'),
    (PLANTE, {"platform": "bluesky"}, "a Bluesky record has no id"),
]


@pytest.mark.parametrize(
    ("base", "fields", "expected"),
    BAD,
    ids=[f"{i}-{next(iter(f), 'none')}" for i, (_, f, _) in enumerate(BAD)],
)
def test_a_bad_field_is_refused_with_its_reason(base: object, fields: dict, expected: str) -> None:
    record = changed(base, **fields) if isinstance(base, dict) else base
    assert expected in reason(record)


def test_reasons_are_one_line_and_short() -> None:
    """A reason is printed after ``skipped FILE:LINE:``: no line break or escape gets out."""
    message = reason(changed(DEREK, handle="\n\x1b[2J" + "x" * 100))
    shown = '"\\n\\u001b[2J' + "x" * 55 + '…"'  # JSON-escaped, cut at 60 characters
    assert message == f"handle {shown} is not an X handle"


# --- documents (extraction results, shards) -------------------------------------------------


def seed_document() -> dict:
    path = next(SEEDS.iterdir())
    return extract_bytes(path.read_bytes(), str(path)).to_dict()


def test_a_bad_record_of_a_document_is_dropped_and_the_others_kept() -> None:
    data = seed_document()
    data["found"][0]["tweet"]["handle"] = "../../evil"
    rejected: list[tuple[int, str]] = []
    document = validate_document(data, lambda i, exc: rejected.append((i, str(exc))))
    assert rejected == [(1, 'handle "../../evil" is not an X handle')]
    assert [f.tweet.handle for f in document.found] == [data["found"][1]["tweet"]["handle"]]
    with pytest.raises(RecordError, match=r'^record 1: handle "\.\./\.\./evil"'):
        validate_document(data)


def test_a_bad_source_refuses_the_whole_document() -> None:
    data = seed_document()
    data["source"]["sha256"] = "not a digest"
    with pytest.raises(RecordError, match='^source: sha256 "not a digest" is not 64'):
        validate_document(data, lambda i, exc: None)
    data = seed_document()
    data["found"] = {"tweet": {}}
    with pytest.raises(RecordError, match="^found is an object, not a list"):
        validate_document(data, lambda i, exc: None)


# --- the real corpus: zero rejections, nothing altered --------------------------------------


def corpus_files() -> list[Path]:
    roots = [SHARED / "corpus", SHARED / "corpus-text", SHARED / "corpus-social", SEEDS]
    return [entry.path for entry in iter_inputs([r for r in roots if r.is_dir()])]


def test_no_record_extracted_from_the_real_corpus_is_rejected_or_altered() -> None:
    need_shared()
    skipped: list = []
    records = 0
    for path in corpus_files():
        document = extract_bytes(path.read_bytes(), str(path))
        checked = screened(document.to_dict(), str(path), skipped.append)
        assert checked == document, path
        records += len(document.found)
    assert skipped == []
    assert records > 280  # 71 + 37 + 12 real articles and the seed: every record was checked


# --- properties: only RecordError, and what passes renders ----------------------------------

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=12,
)
HREF = re.compile(r'href="([^"]*)"')
FIELDS = [f.name for f in dataclasses.fields(Tweet)]
# Values that are valid for some field, so that mixtures pass often enough to be rendered.
NEAR = st.sampled_from(
    [
        None,
        "",
        "jack",
        "en",
        "2023-04-12",
        "2023-04-12T14:03:11.123Z",
        "527783221539643393",
        "https://twitter.com/jack/status/527783221539643393",
        "https://t.co/x",
        "javascript:alert(1)",
        "<script>alert(1)</script>",
        "\u202eevil\u202c",
        "\ud800",
        "a\x00b",
        [],
        ["a", "b"],
        [{"url": "https://t.co/x", "display": "t.co/x", "expanded": "https://example.com/"}],
        [{"url": "https://pic.twitter.com/x", "display": "pic.twitter.com/x"}],
        [{"path": "../../a.html", "sha256": "", "format": "html", "url": "https://a.example/"}],
        {"a": 1},
        2**64,
        1.5,
        True,
    ]
)


def mutated(base: dict, changes: dict) -> dict:
    out = copy.deepcopy(base)
    for name, value in changes.items():
        if value is ...:
            out.pop(name, None)
        else:
            out[name] = value
    return out


MUTATIONS = st.dictionaries(
    st.sampled_from(FIELDS), NEAR | JSON | st.text() | st.just(...), max_size=4
)


@PROPERTY
@given(st.sampled_from([json.loads(line) for line in LINES]), MUTATIONS)
def test_only_record_errors_and_every_accepted_record_renders(base: dict, changes: dict) -> None:
    record = mutated(base, changes)
    try:
        tweet = validate_record(record)
    except RecordError:
        return
    assert validate_record(tweet.to_dict()) == tweet  # a record passes again as it went in
    html = embed_card_html(tweet, style=True, png=None)
    assert all(href.startswith(("https://", "http://")) for href in HREF.findall(html)), html


@PROPERTY
@given(JSON)
def test_arbitrary_json_raises_nothing_but_record_error(value: object) -> None:
    for check in (validate_record, validate_document):
        with contextlib.suppress(RecordError):
            check(value)


@PROPERTY
@given(st.text(), st.text(alphabet=st.characters(codec="ascii"), max_size=40))
def test_arbitrary_handles_and_urls_raise_nothing_but_record_error(text: str, url: str) -> None:
    for record in (
        changed(DEREK, handle=text),
        changed(DEREK, url=url),
        changed(PLANTE, links=[{"url": url, "display": text}]),
        changed(PLANTE, lang=text, date=text),
    ):
        try:
            tweet = validate_record(record)
        except RecordError:
            continue
        embed_card_html(tweet, style=True, png=None)


# --- archiver import: line by line, FILE:LINE: reason, the rest imported, exit 1 -----------


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def exported(archive: Path) -> list[dict]:
    result = run("export", "--archive", str(archive))
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_import_of_a_hand_made_file_imports_exactly_the_good_lines(tmp_path: Path) -> None:
    good = [json.loads(line) for line in LINES]
    bad = [
        (changed(DEREK, handle="../../evil"), 'handle "../../evil" is not an X handle'),
        (
            changed(DEREK, url="javascript:alert(1)"),
            'url "javascript:alert(1)" is not an http(s) URL with a host',
        ),
        (
            changed(DEREK, lang='en" onmouseover="alert(1)'),
            'lang "en\\" onmouseover=\\"alert(1)" is not a language tag',
        ),
        (
            changed(PLANTE, date="2023-13-45"),
            'date "2023-13-45" is not a calendar date (YYYY-MM-DD)',
        ),
        (
            changed(PLANTE, media=[{"url": "data:image/png;base64,iVBORw0KGgo=", "display": "x"}]),
            'media 1: url "data:image/png;base64,iVBORw0KGgo=" is not an http(s) URL with a host',
        ),
    ]
    lines = [json.dumps(good[0], ensure_ascii=False)]
    lines += [json.dumps(record, ensure_ascii=False) for record, _ in bad[:3]]
    lines += ["{this is not JSON", ""]  # a blank line is no record
    lines += [json.dumps(record, ensure_ascii=False) for record, _ in bad[3:]]
    lines += [json.dumps(record, ensure_ascii=False) for record in good[1:]]
    path = tmp_path / "colleague.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    result = run("import", str(path), "--archive", str(tmp_path / "archive"))

    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"skipped {path}:2: {bad[0][1]}",
        f"skipped {path}:3: {bad[1][1]}",
        f"skipped {path}:4: {bad[2][1]}",
        f"skipped {path}:5: not JSON (Expecting property name enclosed in double quotes "
        "at column 2)",
        f"skipped {path}:7: {bad[3][1]}",
        f"skipped {path}:8: {bad[4][1]}",
    ]
    assert result.stdout == "Imported 8 records: 8 new, 0 updated, 0 unchanged; skipped 6.\n"
    by_key = {r["key"]: r for r in exported(tmp_path / "archive")}
    assert by_key == {r["key"]: Tweet.from_dict(r).to_dict() for r in good}


def test_import_reads_json_arrays_by_index_and_skips_whole_unreadable_files(
    tmp_path: Path,
) -> None:
    array = tmp_path / "records.json"
    array.write_text(
        json.dumps([PLANTE, changed(DEREK, handle="../../evil"), DEREK], indent=2), "utf-8"
    )
    binary = tmp_path / "shards.jsonl"  # a gzipped shard given as it is
    binary.write_bytes(b"\x1f\x8b\x08\x00" + bytes(range(256)))
    broken = tmp_path / "broken.json"
    broken.write_text('[{"key": "t-0123456789abcdef"},\n  {"key": ', "utf-8")
    latin = tmp_path / "latin.jsonl"  # Latin-1 from its first lines on: the file is refused
    first = json.dumps(PLANTE).encode()
    latin.write_bytes(first + b"\n" + b'{"author": "Val\xe9rie"}\n')
    late = tmp_path / "late.jsonl"  # one Latin-1 line deep in a UTF-8 file: that line is
    late.write_bytes((first + b"\n") * 20 + b'{"author": "Val\xe9rie"}\n' + first + b"\n")

    missing = tmp_path / "gone.jsonl"

    result = run(
        "import",
        *map(str, (binary, array, missing, tmp_path, broken, latin, late)),
        "--archive",
        str(tmp_path / "a"),
    )

    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"skipped {binary}: not UTF-8 text (it holds NUL bytes)",
        f'skipped {array}[1]: handle "../../evil" is not an X handle',
        f"skipped {missing}: cannot read: No such file or directory",
        f"skipped {tmp_path}: cannot read: Is a directory",
        f"skipped {broken}: not JSON (Expecting value: line 2 column 11 (char 42))",
        f"skipped {latin}: not UTF-8 text (invalid continuation byte at byte {len(first) + 16})",
        f"skipped {late}:21: not UTF-8 (invalid continuation byte at byte 15)",
    ]
    assert sorted(r["key"] for r in exported(tmp_path / "a")) == sorted(
        [PLANTE["key"], DEREK["key"]]
    )


def test_a_shard_line_with_a_bad_record_keeps_its_good_ones(tmp_path: Path) -> None:
    data = seed_document()
    data["found"][1]["tweet"]["url"] = "javascript:alert(1)"
    shard = tmp_path / "shard-00000.jsonl"
    shard.write_text(json.dumps(data, ensure_ascii=False) + "\n", "utf-8")

    result = run("import", str(shard), "--archive", str(tmp_path / "a"))

    assert result.exit_code == 1
    assert result.stderr == (
        f'skipped {shard}:1: record 2: url "javascript:alert(1)" is not an http(s) URL with a '
        "host\n"
    )
    assert [r["handle"] for r in exported(tmp_path / "a")] == [data["found"][0]["tweet"]["handle"]]


def test_an_export_of_a_real_archive_imports_whole_and_identical(tmp_path: Path) -> None:
    need_shared()
    plain = tmp_path / "plain"
    extract = run("extract", str(SHARED / "corpus"), str(SEEDS), "--archive", str(plain), "-j", "1")
    assert extract.exit_code == 0, extract.output
    dump = tmp_path / "export.jsonl"
    assert run("export", "-o", str(dump), "--archive", str(plain)).exit_code == 0

    result = run("import", str(dump), "--archive", str(tmp_path / "copy"))

    records = len(dump.read_text("utf-8").splitlines())
    assert records > 200
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == f"Imported {records} records: {records} new, 0 updated, 0 unchanged.\n"
    assert exported(tmp_path / "copy") == exported(plain)


# --- archiver extract: a record that fails is dropped and reported -------------------------


def test_extract_drops_a_record_that_fails_and_keeps_the_rest(tmp_path: Path) -> None:
    def embed(tweet_id: str, text: str) -> str:
        return (
            f'<blockquote class="twitter-tweet"><p lang="en" dir="ltr">{text}</p>&mdash; Jack '
            f'(@jack) <a href="https://twitter.com/jack/status/{tweet_id}">March 21, 2006</a>'
            "</blockquote>"
        )

    page = tmp_path / "page.html"
    long_text = "word " * 25_000  # 125,000 characters: no post is that long
    page.write_text(
        f"<html><body>{embed('20', long_text)}{embed('21', 'just setting up')}</body></html>",
        "utf-8",
    )

    result = run("extract", str(page), "--archive", str(tmp_path / "a"), "-j", "1")

    assert result.exit_code == 1
    assert result.stderr == (
        f"skipped {page}: record 1: text is 124,999 characters long (at most 100,000)\n"
    )
    assert (
        result.stdout == "Read 1 file, skipped 1; found 1 embed: 1 new, 0 updated, 0 unchanged.\n"
    )
    assert [r["id"] for r in exported(tmp_path / "a")] == ["21"]


def test_import_of_text_sqlite_cannot_store_is_a_reason_not_a_crash(tmp_path: Path) -> None:
    """JSON can spell a lone surrogate ("\\ud800"); SQLite's UTF-8 has no form for it."""
    path = tmp_path / "surrogate.jsonl"
    path.write_text(
        json.dumps(changed(PLANTE, text="a \ud800 b")) + "\n" + json.dumps(DEREK) + "\n", "utf-8"
    )

    result = run("import", str(path), "--archive", str(tmp_path / "a"))

    assert result.exit_code == 1
    assert result.stderr == f"skipped {path}:1: text holds a lone surrogate (character 3)\n"
    assert [r["key"] for r in exported(tmp_path / "a")] == [DEREK["key"]]


def test_documents_made_by_extraction_pass_as_they_are() -> None:
    """The extraction gate rebuilds nothing: what passes is equal to what was extracted."""
    path = next(SEEDS.iterdir())
    document = extract_bytes(path.read_bytes(), str(path))
    assert validate_document(document.to_dict()) == document
    assert Document.from_dict(document.to_dict()) == document


def test_extraction_keeps_only_what_validation_accepts_from_titles_and_addresses() -> None:
    # A tooltip in title= is not an expanded URL, and a WARC target URI need not be http(s):
    # extraction drops those values instead of making records that validation would refuse.
    page = (
        b'<blockquote class="twitter-tweet"><p lang="en">See <a href="https://t.co/abc" '
        b'title="Click to read more">example.org/x</a></p>&mdash; A (@a) '
        b'<a href="https://twitter.com/a/status/1646195010880393216">April 12, 2023</a>'
        b"</blockquote>"
    )
    doc = extract_bytes(page, "a.html", url="urn:x-archive:1", record="<urn:uuid:1>")
    (found,) = doc.found
    assert found.tweet.links == (Link("https://t.co/abc", "example.org/x", None),)
    assert doc.source.url is None
    validate_document(doc.to_dict())


# --- Bluesky, Mastodon and Threads records (issue 13) ----------------------------------------

BSKY = {
    "key": "bsky:did:plc:4tan3ugu55i2u3hmtblu7wf5/3mgpk65ei7d2u",
    "platform": "bluesky",
    "id": "3mgpk65ei7d2u",
    "uri": "at://did:plc:4tan3ugu55i2u3hmtblu7wf5/app.bsky.feed.post/3mgpk65ei7d2u",
    "url": "https://bsky.app/profile/did:plc:4tan3ugu55i2u3hmtblu7wf5/post/3mgpk65ei7d2u",
    "handle": "raymondcamden.com",
    "text": "Good morning",
}
TOOT = {
    "key": "mastodon:chaos.social/111669542081808946",
    "platform": "mastodon",
    "id": "111669542081808946",
    "url": "https://chaos.social/@foosel/111669542081808946",
    "handle": "foosel@chaos.social",
}
THREAD = {
    "key": "threads:DAz8OChy_-9",
    "platform": "threads",
    "id": "DAz8OChy_-9",
    "url": "https://www.threads.com/@darrell_tw_/post/DAz8OChy_-9",
    "handle": "darrell_tw_",
}


@pytest.mark.parametrize(
    ("base", "fields", "expected"),
    [
        (BSKY, {"handle": "../../evil"}, 'handle "../../evil" is not a Bluesky handle'),
        (BSKY, {"handle": "RaymondCamden.com"}, "is not a Bluesky handle"),
        (BSKY, {"key": "3mgpk65ei7d2u"}, 'key "3mgpk65ei7d2u" is not the record\'s key'),
        (BSKY, {"id": ".."}, 'id ".." is not a Bluesky post id'),
        (
            BSKY,
            {"uri": "at://did:plc:4tan3ugu55i2u3hmtblu7wf5/app.bsky.feed.like/3mgpk65ei7d2u"},
            "uri",
        ),
        (BSKY, {"url": "javascript:alert(1)"}, "is not an http(s) URL"),
        (BSKY, {"id": None, "uri": None, "url": None}, "a Bluesky record has no id"),
        (
            TOOT,
            {"url": "https://fosstodon.org/@foosel/111669542081808946"},
            "is not the record's key",
        ),
        (TOOT, {"id": "12x"}, 'id "12x" is not a Mastodon post id'),
        (TOOT, {"handle": "foosel"}, 'handle "foosel" is not a Mastodon handle'),
        (THREAD, {"key": "threads:daz8ochy_-9"}, "is not the record's key"),
        (THREAD, {"handle": ".dot"}, "is not a Threads handle"),
        (THREAD, {"uri": "at://x"}, "is not a Threads post URI"),
    ],
)
def test_each_platforms_record_is_checked_by_its_rules(base, fields, expected) -> None:
    with pytest.raises(RecordError) as caught:
        validate_record({**base, **fields})
    assert expected in str(caught.value)


def test_valid_records_of_each_platform_pass() -> None:
    for record in (BSKY, TOOT, THREAD):
        assert validate_record(record).platform == record["platform"]
    stoot = {"key": "mastodon:fosstodon.org/108896692414393920", "platform": "mastodon",
             "id": "108896692414393920"}  # fmt: skip
    assert validate_record(stoot).url is None
    flat = {"key": "bsky:t-0123456789abcdef", "platform": "bluesky", "handle": "a.bsky.social",
            "text": "hi"}  # fmt: skip
    assert validate_record(flat).id is None
