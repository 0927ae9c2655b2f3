"""The command line: exit codes, exact messages, and every command on the seed."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from click.testing import CliRunner

from archiver.cli import cli

from .conftest import SEEDS


def run(*args: str, input: bytes | str | None = None):
    return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)


def extract_seed(archive_dir: Path):
    return run("extract", str(SEEDS), "--archive", str(archive_dir))


def test_extract_seed_summary_and_exit_code(archive_dir: Path) -> None:
    result = extract_seed(archive_dir)
    assert result.exit_code == 0
    assert result.output == (
        "Read 1 file, skipped 0; found 2 embeds: 2 new, 0 updated, 0 unchanged.\n"
    )
    again = extract_seed(archive_dir)
    assert again.output == (
        "Read 1 file, skipped 0; found 2 embeds: 0 new, 0 updated, 2 unchanged.\n"
    )


def test_bad_inputs_are_reported_skipped_and_exit_1(archive_dir: Path, tmp_path: Path) -> None:
    empty = tmp_path / "empty.html"
    empty.write_bytes(b"")
    png = tmp_path / "image.html"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    result = run(
        "extract",
        str(empty),
        str(png),
        str(tmp_path / "gone.html"),
        str(SEEDS),
        "--archive",
        str(archive_dir),
    )
    assert result.exit_code == 1
    assert f"skipped {empty}: empty file\n" in result.output
    assert f"skipped {png}: binary file (a PNG image), not a text document\n" in result.output
    assert f"skipped {tmp_path / 'gone.html'}: file not found\n" in result.output
    assert result.output.endswith(
        "Read 1 file, skipped 3; found 2 embeds: 2 new, 0 updated, 0 unchanged.\n"
    )


def test_extract_from_stdin(archive_dir: Path) -> None:
    result = run(
        "extract",
        "-",
        "--archive",
        str(archive_dir),
        input=(SEEDS / "aimf-corim-villes-diplomatie-2023.txt").read_bytes(),
    )
    assert result.exit_code == 0
    assert "2 new" in result.output
    listed = run("list", "--json", "--archive", str(archive_dir))
    assert {s["path"] for t in json.loads(listed.output) for s in t["sources"]} == {"-"}


def test_archive_from_environment(archive_dir: Path, monkeypatch) -> None:
    monkeypatch.setenv("ARCHIVER_ARCHIVE", str(archive_dir))
    assert run("extract", str(SEEDS)).exit_code == 0
    assert len(run("list").output.splitlines()) == 2


def test_list_show_search(archive_dir: Path) -> None:
    extract_seed(archive_dir)
    listed = run("list", "--archive", str(archive_dir))
    lines = listed.output.splitlines()
    assert [line.split("  ")[1:3] for line in lines] == [
        ["2023-04-13", "@Lactualite"],
        ["2023-04-12?", "@Val_Plante"],  # "?": its first line may be the article's
    ]
    key = lines[1].split()[0]
    shown = run("show", key, "--archive", str(archive_dir))
    assert shown.exit_code == 0
    assert shown.output.startswith("Valérie Plante (@Val_Plante)\n")
    assert "mentions:   brunomarchand, evbeaudin, BelisleFrance, corim_mcfr" in shown.output
    assert "found in 1 place:" in shown.output
    # The doubt is shown, with the other reading (the text without its first line).
    assert "uncertain:  where the text starts" in shown.output
    assert "\nJ’en discuterai aujourd’hui" in shown.output.split("may be the article's); or:")[1]
    data = json.loads(run("show", key, "--json", "--archive", str(archive_dir)).output)
    assert data["appearances"][0]["snippet"].endswith("(@Val_Plante) April 12, 2023")
    found = run("search", "CORIM", "--json", "--archive", str(archive_dir))
    assert [t["handle"] for t in json.loads(found.output)] == ["Val_Plante"]
    by_handle = run("list", "--handle", "Lactualite", "--archive", str(archive_dir))
    assert len(by_handle.output.splitlines()) == 1


def test_search_finds_both_readings_of_an_uncertain_text(archive_dir: Path) -> None:
    extract_seed(archive_dir)
    for query in ("actrices", "discuterai"):  # only in the longer reading; in both
        found = json.loads(run("search", query, "--json", "--archive", str(archive_dir)).output)
        assert [(t["handle"], t["text_uncertain"]) for t in found] == [("Val_Plante", True)]
        assert found[0]["text"].endswith(found[0]["text_alternative"])


def test_show_unknown_key_is_a_clean_error(archive_dir: Path) -> None:
    extract_seed(archive_dir)
    result = CliRunner().invoke(cli, ["show", "nope", "--archive", str(archive_dir)])
    assert result.exit_code == 1
    assert result.output == f"Error: no tweet with key 'nope' in {archive_dir}\n"


def test_reading_commands_need_an_archive(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["list", "--archive", str(tmp_path / "none")])
    assert result.exit_code == 1
    assert result.output == (
        f"Error: no archive at {tmp_path / 'none'} (run `archiver extract` first)\n"
    )


def test_export_formats(archive_dir: Path) -> None:
    extract_seed(archive_dir)
    jsonl = run("export", "--archive", str(archive_dir)).output.splitlines()
    records = [json.loads(line) for line in jsonl]
    assert [r["handle"] for r in records] == ["Lactualite", "Val_Plante"]
    assert set(records[0]) == {
        "key",
        "id",
        "url",
        "author",
        "handle",
        "date",
        "created_at",
        "lang",
        "text",
        "text_uncertain",
        "text_alternative",
        "mentions",
        "hashtags",
        "cashtags",
        "links",
        "media",
        "sources",
    }
    assert [(r["text_uncertain"], r["text_alternative"]) for r in records] == [
        (False, None),
        (True, records[1]["text"].split("\n", 1)[1]),
    ]
    assert records[1]["media"] == [
        {"url": "https://pic.twitter.com/fic7j4aKUV", "display": "pic.twitter.com/fic7j4aKUV"}
    ]
    assert records[1]["sources"][0]["format"] == "text"
    as_json = json.loads(run("export", "--format", "json", "--archive", str(archive_dir)).output)
    assert as_json == records
    rows = list(
        csv.DictReader(
            io.StringIO(run("export", "--format", "csv", "--archive", str(archive_dir)).output)
        )
    )
    assert rows[1]["hashtags"] == "CORIM polmtl"
    assert rows[1]["text"].startswith("Les villes")
    assert rows[0]["text_uncertain"] == "false"
    assert (rows[1]["text_uncertain"], rows[1]["text_alternative"]) == (
        "true",
        records[1]["text_alternative"],
    )


def test_every_command_has_help_with_an_example() -> None:
    for name, command in cli.commands.items():
        assert command.help, name
        if name not in ("doctor",):
            assert "Example:" in command.help, name
