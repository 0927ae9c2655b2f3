"""Web archives through the CLI: the articles of a WARC give what the pages give on their own.

The WARC files are written here with warcio from pages of ../shared/corpus, beside records
extraction must pass over (warcinfo, a request, an image).
"""

from __future__ import annotations

import gzip
import io
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from .conftest import SHARED, need_shared
from .test_cli import run

CORPUS = SHARED / "corpus"
MASHABLE = "newspaper__mashable.com2.html"
BASICTHINKING = "trafilatura__basicthinking.de.tweets.html"
ATLANTIC = "postlight__www.theatlantic.com.html"
HERTHA = "trafilatura__hertha-blog.de.dame.html"
REQUEST_BODY = "goose3__tests-data-tweets-test_tweet.html"  # one embed: must not be read
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def target_uri(name: str) -> str:
    """The URI a page was captured from (never fetched: only recorded)."""
    return f"https://news.example.org/{name}"


def write_warc(path: Path, names: Sequence[str], *, compress: bool) -> dict[str, str]:
    """Write a WARC holding an HTTP response for each corpus page; its record id by name.

    Every other page is stored with ``Content-Encoding: gzip``, which reading must undo. The
    records that are not articles (warcinfo, a request whose body is an embed, a PNG
    response) must be passed over: reading any of them would add a tweet or a skip.
    """
    ids: dict[str, str] = {}
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=compress)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "tests"}))
        for i, name in enumerate(names):
            body = (CORPUS / name).read_bytes()
            headers = [("Content-Type", "text/html; charset=utf-8")]
            if i % 2:
                body = gzip.compress(body, mtime=0)
                headers.append(("Content-Encoding", "gzip"))
            headers.append(("Content-Length", str(len(body))))
            record = writer.create_warc_record(
                target_uri(name),
                "response",
                payload=io.BytesIO(body),
                http_headers=StatusAndHeaders("200 OK", headers, protocol="HTTP/1.1"),
            )
            writer.write_record(record)
            ids[name] = record.rec_headers.get_header("WARC-Record-ID")
        request = StatusAndHeaders(
            "POST /comments HTTP/1.1",
            [("Host", "news.example.org"), ("Content-Type", "text/html")],
            is_http_request=True,
        )
        writer.write_record(
            writer.create_warc_record(
                target_uri("comments"),
                "request",
                payload=io.BytesIO((CORPUS / REQUEST_BODY).read_bytes()),
                http_headers=request,
            )
        )
        image = StatusAndHeaders(
            "200 OK",
            [("Content-Type", "image/png"), ("Content-Length", str(len(PNG)))],
            protocol="HTTP/1.1",
        )
        writer.write_record(
            writer.create_warc_record(
                target_uri("logo.png"), "response", payload=io.BytesIO(PNG), http_headers=image
            )
        )
    return ids


def extract(archive: Path, *inputs: Path | str, jobs: int = 1) -> Result:
    return run("extract", *map(str, inputs), "--jobs", str(jobs), "--archive", str(archive))


def export(archive: Path) -> bytes:
    result = run("export", "--archive", str(archive))
    assert result.exit_code == 0, result.output
    return result.stdout_bytes


def records(archive: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in export(archive).splitlines()]


def without_sources(record: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if k != "sources"}


@pytest.mark.parametrize("compress", [True, False], ids=["warc.gz", "warc"])
def test_articles_of_a_warc_give_the_tweets_of_the_pages(tmp_path: Path, compress: bool) -> None:
    need_shared()
    names = [MASHABLE, BASICTHINKING]
    warc = tmp_path / ("news.warc.gz" if compress else "news.warc")
    ids = write_warc(warc, names, compress=compress)

    from_warc = extract(tmp_path / "from-warc", warc)
    direct = extract(tmp_path / "direct", *(CORPUS / name for name in names))

    assert from_warc.exit_code == 0, from_warc.output
    assert direct.exit_code == 0, direct.output
    # Two documents: the request and the image were not read (nor skipped).
    assert from_warc.output.startswith("Read 1 file (2 documents), skipped 0; ")
    assert from_warc.output.split("; ")[1] == direct.output.split("; ")[1]
    got, want = records(tmp_path / "from-warc"), records(tmp_path / "direct")
    assert len(want) >= 20
    assert [without_sources(r) for r in got] == [without_sources(r) for r in want]
    # The same articles (digest, format, title), located in the web archive.
    for record, page_record in zip(got, want, strict=True):
        expected = []
        for source in page_record["sources"]:
            name = Path(source["path"]).name
            expected.append(
                {**source, "path": str(warc), "url": target_uri(name), "record": ids[name]}
            )
        assert record["sources"] == expected


def truncate(data: bytes) -> bytes:
    """Cut the file in the middle of its second article, as a broken download does."""
    return data[: len(data) * 2 // 3]


def damage(data: bytes) -> bytes:
    """Overwrite bytes inside the first gzip member."""
    return data[:1000] + b"\x00" * 256 + data[1256:]


@pytest.mark.parametrize(
    "corrupt",
    [
        pytest.param(truncate, id="truncated"),
        pytest.param(damage, id="damaged"),
    ],
)
def test_corrupt_warc_is_skipped_and_other_inputs_kept(tmp_path: Path, corrupt) -> None:
    need_shared()
    good = tmp_path / "good.warc.gz"
    write_warc(good, [MASHABLE], compress=True)
    bad = tmp_path / "bad.warc.gz"
    write_warc(bad, [BASICTHINKING, ATLANTIC], compress=True)
    bad.write_bytes(corrupt(bad.read_bytes()))
    page = CORPUS / HERTHA

    result = extract(tmp_path / "archive", good, bad, page)
    assert extract(tmp_path / "good-only", good, page).exit_code == 0

    assert result.exit_code == 1, result.output
    assert f"skipped {bad}: " in result.output
    assert ", skipped 1; " in result.output
    # Whatever was read of the broken file, every record of the other inputs is intact.
    kept = {r["key"]: r for r in records(tmp_path / "archive")}
    want = records(tmp_path / "good-only")
    assert len(want) >= 10
    assert [kept.get(r["key"]) for r in want] == want


def test_jobs_2_exports_what_jobs_1_exports(tmp_path: Path) -> None:
    need_shared()
    first = tmp_path / "first.warc.gz"
    write_warc(first, [MASHABLE, BASICTHINKING], compress=True)
    second = tmp_path / "second.warc"
    write_warc(second, [ATLANTIC, HERTHA], compress=False)
    # The same tweets in three markups (one full, two stubs): merge order matters.
    stories = sorted(CORPUS.glob("ashfurrow-blog__2015-11-16-building-online-communities.*"))
    assert len(stories) == 3
    inputs = [first, *stories, second, CORPUS / REQUEST_BODY]

    one = extract(tmp_path / "one", *inputs, jobs=1)
    two = extract(tmp_path / "two", *inputs, jobs=2)

    assert one.exit_code == two.exit_code == 0, one.output + two.output
    assert one.output == two.output
    assert export(tmp_path / "one") == export(tmp_path / "two")
