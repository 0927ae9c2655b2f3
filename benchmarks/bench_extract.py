"""Extract speed and memory against the floor of any HTML tool, on a generated news corpus.

    .venv/bin/python benchmarks/bench_extract.py [--articles 2000] [--profile news|embeds|both]
        [--jobs 1,2] [--out DIR] [--quick] [--seed 6] [--rounds 3]

For each profile (see benchmarks/corpus.py: ``news``, 15% of articles embed tweets;
``embeds``, all do) it generates the corpus, then measures on the same files:

1. the floor: read, decode and ``lxml.html.fromstring`` every file, in this process;
2. ``archiver extract DIR --archive TMP --jobs N`` end to end, a child process per run, into a
   fresh archive: wall time, articles/s, MB/s, CPU time (user + system of the child and its
   workers: the steadier number on a shared machine), both as ratios to the floor's, and
   memory: the largest process's peak RSS (``ru_maxrss`` from ``os.wait4`` of that child,
   which covers the workers it reaped) and the peak sum of PSS over the child and its
   workers (sampled every 50 ms from /proc, shared pages counted once);
3. for ``news``, the same on a corpus 4x larger (the 1x files plus 3x more), to show whether
   peak memory grows with the number of files;
4. ``archiver render --format png`` on each resulting archive: cards/s.

Start-up (interpreter, imports, a new archive) is part of every extract's wall time, as a user
sees it; the run on an empty folder shows how much it is. Nothing here touches the network.
The corpus goes to a temporary folder deleted at the end, unless ``--out`` names one.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import lxml
import lxml.html
from lxml import etree

sys.path.insert(0, str(Path(__file__).resolve().parent))
import corpus  # noqa: E402 - the generator sits beside this script

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_SECONDS = 0.05
RSS_GROWTH_ALLOWED = 0.10
TARGETS = {"news": 1.0, "embeds": 2.0}


@dataclass(frozen=True)
class Files:
    """A set of generated files: paths to hand to the CLI, the files, their size."""

    roots: tuple[Path, ...]
    files: tuple[Path, ...]
    size: int
    embeds: int
    with_embeds: int
    texts: int


@dataclass(frozen=True)
class Child:
    """One finished child process: wall time, memory, exit status, output."""

    seconds: float
    cpu: float
    maxrss_kb: int
    pss_kb: int
    status: int
    stdout: str
    stderr: str


@dataclass(frozen=True)
class Row:
    """One line of the result table."""

    profile: str
    run: str
    files: int
    size: int
    seconds: float
    cpu: float
    ratio: float | None = None
    cpu_ratio: float | None = None
    maxrss_kb: int | None = None
    pss_kb: int | None = None
    found: str = ""


def machine() -> str:
    """CPU model and count, OS, Python and lxml/libxml2 versions, on one line."""
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    libxml = ".".join(map(str, etree.LIBXML_VERSION))
    return (
        f"{model}, {os.cpu_count()} CPUs, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}, lxml {lxml.__version__} (libxml2 {libxml})"
    )


def archiver_command() -> str:
    """The ``archiver`` console script of the interpreter running this (the project's venv)."""
    beside = Path(sys.executable).parent / "archiver"
    for candidate in (beside, ROOT / ".venv" / "bin" / "archiver"):
        if candidate.is_file():
            return str(candidate)
    found = shutil.which("archiver")
    if found is None:
        sys.exit("archiver is not installed: run `make test` or pip install -e . first")
    return found


def help_text(archiver: str, *command: str) -> str | None:
    """``archiver COMMAND --help``, or None when the command does not exist."""
    result = subprocess.run(
        [archiver, *command, "--help"], capture_output=True, text=True, check=False
    )
    return result.stdout if result.returncode == 0 else None


def _children(pid: int) -> list[int]:
    out: list[int] = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            out.extend(int(c) for c in (task / "children").read_text().split())
    except OSError:
        pass
    return out


def _pss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def tree_pss_kb(pid: int) -> int:
    """PSS of a process and all its descendants, in kB (0 once it is gone)."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        total += _pss_kb(current)
        todo.extend(_children(current))
    return total


def run_child(command: list[str]) -> Child:
    """Run ``command`` to the end; its wall time and memory, measured for it alone.

    ``os.wait4`` gives this child's own resource usage, whose ``ru_maxrss`` is the largest
    of the child and the children it reaped; ``RUSAGE_CHILDREN`` would keep the largest of
    every child this script ever ran. A thread samples the process tree's PSS meanwhile.
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=out, stderr=err)
        done = threading.Event()
        peak = [0]

        def sample() -> None:
            while not done.wait(SAMPLE_SECONDS):
                peak[0] = max(peak[0], tree_pss_kb(proc.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        done.set()
        sampler.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        cpu = usage.ru_utime + usage.ru_stime
        return Child(
            seconds,
            cpu,
            usage.ru_maxrss,
            peak[0],
            proc.returncode,
            out.read().decode("utf-8", "replace"),
            err.read().decode("utf-8", "replace"),
        )


def bare_parse(files: tuple[Path, ...], rounds: int) -> tuple[float, float]:
    """Best wall and CPU seconds over ``rounds`` to read, decode and lxml-parse every file."""
    for path in files:  # the page cache holds every file before any clock starts
        path.read_bytes()
    wall = cpu = float("inf")
    for _ in range(rounds):
        start, start_cpu = time.perf_counter(), time.process_time()
        for path in files:
            lxml.html.fromstring(path.read_bytes().decode("utf-8"))
        wall = min(wall, time.perf_counter() - start)
        cpu = min(cpu, time.process_time() - start_cpu)
    return wall, cpu


def make_corpus(base: Path, profile: str, articles: int, seed: int, start: int = 0) -> Files:
    """Generate articles ``start`` .. ``start + articles - 1`` of ``profile`` under ``base``."""
    out = base / f"{profile}-{start}-{start + articles}-seed{seed}"
    began = time.perf_counter()
    made = corpus.generate(out, articles, profile, seed, start=start)
    print(
        f"  generated {profile} articles {start}..{start + articles - 1} into {out} "
        f"in {time.perf_counter() - began:.1f} s",
        flush=True,
    )
    return Files(
        (out,),
        tuple(out / a.path for a in made),
        sum(a.size for a in made),
        sum(a.embeds for a in made),
        sum(1 for a in made if a.embeds),
        sum(1 for a in made if a.kind == "text"),
    )


def joined(*parts: Files) -> Files:
    """Several generated sets as one input."""
    return Files(
        tuple(r for p in parts for r in p.roots),
        tuple(f for p in parts for f in p.files),
        sum(p.size for p in parts),
        sum(p.embeds for p in parts),
        sum(p.with_embeds for p in parts),
        sum(p.texts for p in parts),
    )


def extract(archiver: str, files: Files, archive: Path, jobs: int | None) -> Child:
    """``archiver extract`` of ``files`` into a fresh ``archive``, with ``--jobs`` if given."""
    if archive.exists():
        shutil.rmtree(archive)
    command = [archiver, "extract", *map(str, files.roots), "--archive", str(archive)]
    if jobs is not None:
        command += ["--jobs", str(jobs)]
    child = run_child(command)
    if child.status != 0:
        print(f"  extract exited {child.status}: {child.stderr.strip()[-300:]}")
    return child


def found(child: Child) -> str:
    """Embeds found, from the summary line, or ``?``."""
    match = re.search(r"found (\d+) embed", child.stdout)
    return match.group(1) if match else "?"


def render(archiver: str, archive: Path, jobs: int | None, label: str) -> str:
    """``archiver render --format png`` of ``archive``: a line with cards/s, or the failure."""
    command = [archiver, "render", "--format", "png", "--force", "--archive", str(archive)]
    if jobs is not None:
        command += ["--jobs", str(jobs)]
    child = run_child(command)
    if child.status != 0:
        return f"{label}: render failed (exit {child.status}): {child.stderr.strip()[-300:]}"
    cards = sum(1 for _ in archive.rglob("*.png"))
    return (
        f"{label}: {cards} PNG cards in {child.seconds:.1f} s = "
        f"{cards / child.seconds:.1f} cards/s ({child.cpu:.1f} CPU s, "
        f"max RSS {child.maxrss_kb / 1024:.0f} MB)"
    )


def print_table(rows: list[Row]) -> None:
    """The results, one line per run."""
    head = (
        f"{'profile':8} {'run':22} {'files':>6} {'MB':>6} {'wall s':>7} {'files/s':>8} "
        f"{'MB/s':>6} {'x parse':>8} {'CPU s':>7} {'x CPU':>6} {'max RSS':>8} "
        f"{'sum PSS':>8} {'embeds':>6}"
    )
    print(head)
    print("-" * len(head))
    for r in rows:
        ratio = f"{r.ratio:.2f}" if r.ratio is not None else "-"
        cpu_ratio = f"{r.cpu_ratio:.2f}" if r.cpu_ratio is not None else "-"
        if r.run.startswith("bare"):
            ratio = cpu_ratio = "1"
        rss = f"{r.maxrss_kb / 1024:.0f} MB" if r.maxrss_kb is not None else ""
        pss = f"{r.pss_kb / 1024:.0f} MB" if r.pss_kb is not None else ""
        print(
            f"{r.profile:8} {r.run:22} {r.files:6d} {r.size / 1e6:6.1f} {r.seconds:7.2f} "
            f"{r.files / r.seconds:8.1f} {r.size / 1e6 / r.seconds:6.1f} {ratio:>8} "
            f"{r.cpu:7.2f} {cpu_ratio:>6} {rss:>8} {pss:>8} {r.found:>6}"
        )


@dataclass
class Bench:
    """One benchmark run: what to run and what it found."""

    archiver: str
    base: Path
    work: Path
    jobs: list[int | None]
    seed: int
    rounds: int
    renders: bool
    rows: list[Row]
    notes: list[str]

    def extract_row(
        self,
        profile: str,
        files: Files,
        jobs: int | None,
        suffix: str = "",
        floor: Row | None = None,
    ) -> Row:
        """Run one extract into a fresh archive and record it."""
        archive = self.work / f"archive-{profile}-{jobs}{suffix.strip(' ()')}"
        child = extract(self.archiver, files, archive, jobs)
        name = (f"extract --jobs {jobs}" if jobs else "extract") + suffix
        row = Row(
            profile,
            name,
            len(files.files),
            files.size,
            child.seconds,
            child.cpu,
            child.seconds / floor.seconds if floor else None,
            child.cpu / floor.cpu if floor else None,
            child.maxrss_kb,
            child.pss_kb,
            found(child),
        )
        self.rows.append(row)
        print(f"  {profile} {name}: {child.seconds:.1f} s, {child.cpu:.1f} CPU s", flush=True)
        return row

    def profile(self, profile: str, articles: int) -> None:
        """Generate one profile's corpus and measure everything on it."""
        files = make_corpus(self.base, profile, articles, self.seed)
        print(
            f"  {profile}: {len(files.files)} files ({files.texts} text copies), "
            f"{files.size / 1e6:.1f} MB, {files.with_embeds} with embeds, "
            f"{files.embeds} embeds planted",
            flush=True,
        )
        wall, cpu = bare_parse(files.files, self.rounds)
        floor = Row(profile, "bare lxml parse", len(files.files), files.size, wall, cpu)
        self.rows.append(floor)
        target = TARGETS[profile]
        small: dict[int | None, Row] = {}
        for jobs in self.jobs:
            row = small[jobs] = self.extract_row(profile, files, jobs, floor=floor)
            verdict = "met" if (row.ratio or 0) <= target else "NOT met"
            self.notes.append(
                f"{profile}, {row.run}: {row.ratio:.2f}x the bare parse's wall "
                f"time, {row.cpu_ratio:.2f}x its CPU time (target: <= "
                f"{target:g}x): {verdict}"
            )
            if self.renders:
                archive = self.work / f"archive-{profile}-{jobs}"
                name = f"render --format png --jobs {jobs}" if jobs else "render --format png"
                self.notes.append(render(self.archiver, archive, jobs, f"{profile}, {name}"))
        if profile != "news":
            return
        more = make_corpus(self.base, profile, 3 * articles, self.seed, start=articles)
        big = joined(files, more)
        for jobs in self.jobs:
            row = self.extract_row(profile, big, jobs, suffix=" (4x)")
            for label, before, after in (
                ("max RSS", small[jobs].maxrss_kb, row.maxrss_kb),
                ("sum PSS", small[jobs].pss_kb, row.pss_kb),
            ):
                before, after = before or 0, after or 0
                growth = after / (before or 1) - 1
                per_file = (after - before) * 1024 / (len(big.files) - len(files.files))
                verdict = "met" if growth <= RSS_GROWTH_ALLOWED else "NOT met"
                self.notes.append(
                    f"{profile}, {row.run}: {label} {before / 1024:.0f} MB -> "
                    f"{after / 1024:.0f} MB with 4x the files ({growth:+.0%}, {per_file:+.0f} "
                    f"bytes per extra file; target: flat, <= +{RSS_GROWTH_ALLOWED:.0%}): {verdict}"
                )


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--profile", choices=("news", "embeds", "both"), default="both")
    parser.add_argument("--jobs", default="1,2", help="comma-separated worker counts")
    parser.add_argument("--out", type=Path, help="write (and keep) the corpus here")
    parser.add_argument("--quick", action="store_true", help="200 articles: a smoke run")
    parser.add_argument("--seed", type=int, default=corpus.DEFAULT_SEED)
    parser.add_argument("--rounds", type=int, default=3, help="best of N for the bare parse")
    args = parser.parse_args(argv)
    if args.quick:
        args.articles = 200
    args.jobs = [int(j) for j in args.jobs.split(",") if j.strip()]
    return args


def main(argv: list[str] | None = None) -> None:
    """Generate, measure, print."""
    args = parse_args(argv)
    archiver = archiver_command()
    has_jobs = "--jobs" in (help_text(archiver, "extract") or "")
    has_render = help_text(archiver, "render") is not None
    print(f"machine: {machine()}")
    print(f"load average at start: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    if not has_jobs:
        print("archiver extract has no --jobs flag yet: each run uses its default")
    if not has_render:
        print("archiver has no render command yet: no cards/s")
    base = args.out or Path(tempfile.mkdtemp(prefix="bench-extract-"))
    base.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="bench-extract-archives-"))
    bench = Bench(
        archiver,
        base,
        work,
        list(args.jobs) if has_jobs else [None],
        args.seed,
        args.rounds,
        has_render,
        [],
        [],
    )
    try:
        empty = work / "empty"
        empty.mkdir()
        startup = extract(archiver, Files((empty,), (), 0, 0, 0, 0), work / "archive-empty", None)
        bench.notes.append(
            f"start-up: `archiver extract` of an empty folder takes "
            f"{startup.seconds:.2f} s ({startup.cpu:.2f} CPU s), max RSS "
            f"{startup.maxrss_kb / 1024:.0f} MB"
        )
        for profile in ["news", "embeds"] if args.profile == "both" else [args.profile]:
            bench.profile(profile, args.articles)
        print(f"\nload average at end: {' '.join(f'{x:.1f}' for x in os.getloadavg())}\n")
        print_table(bench.rows)
        print()
        print("x parse / x CPU: extract's wall / CPU time over the bare parse's, same files (the")
        print("bare parse is one process in this one; extract's CPU time includes its workers).")
        print("The 4x rows have no bare parse of their own.")
        for line in bench.notes:
            print(f"- {line}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
        if args.out is None:
            shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
