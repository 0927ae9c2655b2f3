"""A text copy's records merge into the id'd records of the article's HTML original.

Through ``archiver extract``, with corpus articles and their text copies, in both orders:
a flattened record with the same text, one marked uncertain, and one that took in article
lines above the tweet (as the first release's rule read the copy: it took every line that
fit) all become the id'd record, which keeps the HTML's text.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from archiver.cli import cli
from archiver.extract import boundary, text
from archiver.model import Tweet, same_tweet

from .conftest import SHARED, need_shared


def _extract(archive: Path, path: Path) -> None:
    result = CliRunner().invoke(cli, ["extract", str(path), "--archive", str(archive)])
    assert result.exit_code == 0, result.output


def _export(archive: Path) -> list[dict]:
    out = CliRunner().invoke(cli, ["export", "--archive", str(archive)]).output
    return [json.loads(line) for line in out.splitlines()]


def _copies(tmp_path: Path, stem: str) -> tuple[Path, Path]:
    need_shared()
    html = tmp_path / "html" / f"{stem}.html"
    copy = tmp_path / "text" / f"{stem}.txt"
    for src, dst in (
        (SHARED / "corpus" / html.name, html),
        (SHARED / "corpus-text" / copy.name, copy),
    ):
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dst)
    return html, copy


def _greedy(candidate: boundary.Candidate, page: boundary.Page) -> boundary.Verdict:
    return boundary.Verdict.TWEET  # the first release: every line that fits is the tweet's


@pytest.mark.parametrize("html_first", [True, False])
def test_absorbed_lines_merge_into_the_id_record(
    tmp_path: Path, html_first: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    html, copy = _copies(tmp_path, "newspaper__mashable.com2")
    archive = tmp_path / "archive"
    only_html = tmp_path / "only"
    _extract(only_html, html)
    want = {r["id"]: r for r in _export(only_html)}

    def read_copy() -> None:
        with monkeypatch.context() as m:
            m.setattr(text, "verdict", _greedy)
            _extract(archive, copy)

    if html_first:
        _extract(archive, html)
        read_copy()
    else:
        read_copy()
        absorbed = [r for r in _export(archive) if r["handle"] == "kennbarr"]
        assert absorbed[0]["text"].startswith("The power outage is affecting")  # took 2 lines
        _extract(archive, html)
    records = _export(archive)
    assert {r["id"] for r in records} == set(want)  # every copy found its id'd record
    for record in records:
        assert record["text"] == want[record["id"]]["text"]
        assert (record["text_uncertain"], record["text_alternative"]) == (False, None)
        assert sorted(s["format"] for s in record["sources"]) == ["html", "text"]


@pytest.mark.parametrize("html_first", [True, False])
def test_uncertain_copy_merges_and_the_id_record_settles_it(
    tmp_path: Path, html_first: bool
) -> None:
    html, copy = _copies(tmp_path, "trafilatura__fr.de.nordkorea")
    archive = tmp_path / "archive"
    for path in (html, copy) if html_first else (copy, html):
        _extract(archive, path)
    (robby,) = [r for r in _export(archive) if r["handle"].casefold() == "robbystarbuck"]
    assert robby["id"] and robby["text"].startswith('CNN: "Kim Jong Un is gravely ill"')
    assert (robby["text_uncertain"], robby["text_alternative"]) == (False, None)
    assert sorted(s["format"] for s in robby["sources"]) == ["html", "text"]


def _tweet(**fields: object) -> Tweet:
    return Tweet(**{"key": "k", "handle": "STN_Airport", "date": "2014-12-22", **fields})


def test_same_tweet_takes_whole_lines_only() -> None:
    idd = _tweet(key="1", id="1", text="Power has now been restored.")
    took_line = _tweet(
        text="The airport reported that power was back.\nPower has now been restored."
    )
    glued = _tweet(text="Also: Power has now been restored.")
    assert same_tweet(took_line, idd) and same_tweet(idd, took_line)
    assert not same_tweet(glued, idd)  # a text ending with it mid-line is another tweet
    three_days_on = _tweet(key="2", id="2", text=idd.text, date="2014-12-25")
    assert not same_tweet(took_line, three_days_on)
    other_handle = Tweet(key="3", id="3", handle="someone", date="2014-12-22", text=idd.text)
    assert not same_tweet(took_line, other_handle)


def test_uncertain_copies_without_id_match_by_their_alternative() -> None:
    sure = _tweet(key="a", text="Power has now been restored.")
    unsure = _tweet(
        key="b",
        text="The airport reported that power was back.\nPower has now been restored.",
        text_uncertain=True,
        text_alternative="Power has now been restored.",
    )
    took_line_unflagged = _tweet(key="c", text=unsure.text)
    assert same_tweet(sure, unsure)
    assert not same_tweet(sure, took_line_unflagged)  # without an id, only a flagged reading
