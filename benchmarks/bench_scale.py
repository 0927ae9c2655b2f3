"""The archive at its users' size: distinct tweets, cost per embed, and whether it grows.

    .venv/bin/python benchmarks/bench_scale.py [--tweets 100000] [--batches 10] [--out DIR]
        [--profile FILE]

On ``--tweets`` distinct tweets (``distinct.py``: ten per page, six languages, entities,
~n/4 handles), split into ``--batches`` equal folders of pages:

1. the floor, measured in this run: read every page, ``lxml.html.fromstring`` it, take each
   tweet blockquote's text and status link, JSON-encode that, and insert it into SQLite with an
   FTS5 index, all in one transaction: what any tool must at least do per embed;
2. ``archiver extract BATCH --jobs 1`` into one archive, batch after batch, each a child
   process (start-up included): µs per embed for each batch, its ratio to the floor, and the
   last batch's cost against the first's (a write that grows with the archive shows here);
3. with ``--profile FILE``, one more batch of new tweets is extracted under cProfile after the
   measured ones (so the profiler's cost is in no measured batch), written to FILE and its top
   lines printed.

Nothing here touches the network; the pages go to a temporary folder unless ``--out``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import lxml.html

sys.path.insert(0, str(Path(__file__).resolve().parent))
from distinct import distinct_pages  # noqa: E402 - the generator sits beside this script

ROOT = Path(__file__).resolve().parents[1]


def write_batches(base: Path, tweets: int, batches: int, extra: bool) -> list[Path]:
    """The pages of ``tweets`` distinct tweets in ``batches`` folders of equal size, and with
    ``extra`` one more folder of as many new tweets (the profiled batch), last."""
    pages = tweets // 10
    count = batches + (1 if extra else 0)
    folders = [base / f"batch-{i:02d}" for i in range(count)]
    for folder in folders:
        folder.mkdir(parents=True, exist_ok=True)
    for number, (name, data) in enumerate(distinct_pages(tweets * count // batches)):
        (folders[min(number * batches // pages, count - 1)] / name).write_bytes(data)
    return folders


def floor(folders: list[Path], db: Path) -> tuple[float, float, int]:
    """Wall and CPU seconds, and embeds, for: parse, text and link, JSON, SQLite + FTS5."""
    start, cpu = time.perf_counter(), time.process_time()
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE t (n INTEGER PRIMARY KEY, key TEXT UNIQUE, record TEXT)")
    conn.execute(
        "CREATE VIRTUAL TABLE f USING fts5(text, tokenize='unicode61 remove_diacritics 2')"
    )
    embeds = 0
    with conn:
        for folder in folders:
            for path in sorted(folder.iterdir()):
                root = lxml.html.fromstring(path.read_bytes().decode("utf-8"))
                for bq in root.xpath('//blockquote[@class="twitter-tweet"]'):
                    text = bq.text_content()
                    link = bq.xpath(".//a[contains(@href, '/status/')]/@href")[-1]
                    record = json.dumps({"text": text, "url": link}, ensure_ascii=False)
                    cur = conn.execute("INSERT INTO t (key, record) VALUES (?, ?)", (link, record))
                    conn.execute("INSERT INTO f (rowid, text) VALUES (?, ?)", (cur.lastrowid, text))
                    embeds += 1
    conn.close()
    return time.perf_counter() - start, time.process_time() - cpu, embeds


def extract(folder: Path, archive: Path, profile: Path | None) -> tuple[float, float]:
    """Wall and CPU seconds of ``archiver extract FOLDER --jobs 1`` in a child process."""
    code = (
        "import sys; from archiver.cli import main; sys.argv = ['archiver'] + sys.argv[1:]\n"
        "try:\n    main()\nexcept SystemExit as exc:\n    sys.exit(exc.code)\n"
    )
    command = [sys.executable]
    if profile:
        command += ["-m", "cProfile", "-o", str(profile)]
        script = profile.with_suffix(".py")
        script.write_text(code)
        command.append(str(script))
    else:
        command += ["-c", code]
    command += ["extract", str(folder), "--archive", str(archive), "--jobs", "1"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, cwd=ROOT)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tweets", type=int, default=100_000)
    parser.add_argument("--batches", type=int, default=10)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--profile", type=Path)
    args = parser.parse_args(argv)
    base = args.out or Path(tempfile.mkdtemp(prefix="archiver-scale-"))
    try:
        print(
            f"{args.tweets:,} distinct tweets in {args.batches} batches; machine: "
            f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}",
            flush=True,
        )
        started = time.perf_counter()
        folders = write_batches(base / "pages", args.tweets, args.batches, bool(args.profile))
        profiled = folders.pop() if args.profile else None
        print(f"generated in {time.perf_counter() - started:.1f} s", flush=True)
        wall, cpu, embeds = floor(folders, base / "floor.sqlite")
        floor_us, floor_cpu_us = wall / embeds * 1e6, cpu / embeds * 1e6
        print(
            f"floor: {embeds:,} embeds in {wall:.1f} s = {floor_us:.0f} µs/embed "
            f"({floor_cpu_us:.0f} µs CPU)",
            flush=True,
        )
        per_batch = embeds / args.batches
        walls, cpus = [], []
        for i, folder in enumerate(folders):
            wall, cpu = extract(folder, base / "archive", None)
            walls.append(wall / per_batch * 1e6)
            cpus.append(cpu / per_batch * 1e6)
            print(
                f"batch {i + 1:2d}: {wall:6.1f} s = {walls[-1]:5.0f} µs/embed = "
                f"{walls[-1] / floor_us:4.1f}x floor; CPU {cpus[-1]:5.0f} µs/embed = "
                f"{cpus[-1] / floor_cpu_us:4.1f}x",
                flush=True,
            )
        wall_mean, cpu_mean = sum(walls) / len(walls), sum(cpus) / len(cpus)
        print(
            f"extract --jobs 1: {wall_mean:.0f} µs/embed = {wall_mean / floor_us:.1f}x the floor "
            f"(CPU: {cpu_mean:.0f} µs = {cpu_mean / floor_cpu_us:.1f}x); last batch / first: "
            f"{walls[-1] / walls[0]:.2f} wall, {cpus[-1] / cpus[0]:.2f} CPU"
        )
        if args.profile and profiled:
            extract(profiled, base / "archive", args.profile)
            import pstats

            pstats.Stats(str(args.profile)).sort_stats("tottime").print_stats(15)
    finally:
        if not args.out:
            shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
