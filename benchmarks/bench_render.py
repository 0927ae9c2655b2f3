"""Rendering and browsing an archive of N distinct tweets (issue 10): time, memory, page speed.

    .venv/bin/python benchmarks/bench_render.py [--tweets 100000] [--million] [--keep DIR]

Builds an archive of N distinct tweets (``distinct.py``: ten an article, six languages), then,
each step in a fresh process so its peak RSS is its own (``ru_maxrss``):

- full HTML render (cards, listings, directories, search index, index.html);
- a second render with nothing changed, after 100 new tweets of the newest month, and after
  100 new tweets spread over the years (the incremental rule's best and worst cases);
- a selection: one tweet's cards (``render --format all KEY``), one article's (``--source``);
- PNG cards of one month (memory is per batch, not per archive);

and in Chromium from ``file://`` (Debian's, as the tests use): time until the search form is
usable, and per query the time from the input event to its results on screen, measured by the
page (``data-search-ms``), first (cold: the index scripts load) and again (warm).
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
CHROMIUM = Path("/usr/bin/chromium")


def build(folder: Path, n: int) -> float:
    from distinct import distinct_documents

    from archiver.store import Archive

    start = time.perf_counter()
    with Archive(folder) as archive:
        batch = []
        for document in distinct_documents(n):
            batch.append(document)
            if len(batch) == 500:
                archive.save_documents(batch)
                batch = []
        archive.save_documents(batch)
    return time.perf_counter() - start


def add(folder: Path, n: int, seed: int, newest: bool) -> None:
    """``n`` new tweets: in the archive's newest month, or at random dates over the years."""
    from dataclasses import replace

    from distinct import distinct_documents

    from archiver.model import Document, Found
    from archiver.store import Archive

    documents = list(distinct_documents(n, seed=seed))
    if newest:
        moment = datetime(2024, 12, 31, 12, tzinfo=UTC)
        documents = [
            Document(
                d.source,
                tuple(
                    Found(
                        replace(
                            f.tweet,
                            created_at=(moment + timedelta(seconds=i)).strftime(
                                "%Y-%m-%dT%H:%M:%SZ"
                            ),
                            date="2024-12-31",
                        ),
                        f.snippet,
                        f.markup,
                    )
                    for i, f in enumerate(d.found, start=100 * k)
                ),
            )
            for k, d in enumerate(documents)
        ]
    with Archive(folder) as archive:
        archive.save_documents(documents)


def step(args: list[str]) -> dict[str, float]:
    """Run ``archiver render ARGS`` in a fresh process: seconds and its peak RSS in MB."""
    code = (
        "import json, resource, sys, time\n"
        "from archiver.cli import cli\n"
        "start = time.perf_counter()\n"
        "try:\n"
        "    cli.main(args=sys.argv[1:], standalone_mode=False)\n"
        "finally:\n"
        "    print(json.dumps({'seconds': time.perf_counter() - start, 'rss_mb': "
        "resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}), file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, "render", *args], capture_output=True, text=True, check=True
    )
    return json.loads(done.stderr.strip().splitlines()[-1])


def browser(folder: Path, queries: list[dict[str, str]]) -> dict[str, object] | None:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        print(f"chromium: skipped ({exc})")
        return None
    if not CHROMIUM.is_file():
        print("chromium: skipped (apt-get install -y chromium)")
        return None
    out: dict[str, object] = {}
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--host-resolver-rules=MAP * ~NOTFOUND"],
        )
        page = chromium.new_context(viewport={"width": 760, "height": 1000}).new_page()
        page.route(
            "**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort()
        )
        start = time.perf_counter()
        page.goto((folder / "index.html").as_uri())
        page.wait_for_selector("#search:not([hidden])")
        out["usable_s"] = time.perf_counter() - start
        page.wait_for_load_state("load")
        out["load_s"] = time.perf_counter() - start
        timings = []
        for fields in queries:
            row = {"query": fields}
            for label in ("cold_ms", "warm_ms"):
                page.evaluate(
                    """([q, a, from, to]) => {
                        document.body.removeAttribute("data-search-ms");
                        const fields = [["q", q], ["source", a], ["from", from], ["to", to]];
                        for (const [id, v] of fields) {
                            const e = document.getElementById(id);
                            if (id === "source" && v) {
                                const o = document.createElement("option"); o.value = v;
                                e.appendChild(o);
                            }
                            e.value = v;
                        }
                        document.getElementById("search").dispatchEvent(new Event("input"));
                    }""",
                    [
                        fields.get("q", ""),
                        fields.get("a", ""),
                        fields.get("from", ""),
                        fields.get("to", ""),
                    ],
                )
                page.wait_for_selector("body[data-search-ms]", state="attached")
                row[label] = float(page.get_attribute("body", "data-search-ms") or 0)
            row["results"] = page.text_content("#shown")
            timings.append(row)
        out["queries"] = timings
        heap = page.evaluate("() => performance.memory ? performance.memory.usedJSHeapSize : 0")
        out["js_heap_mb"] = heap / 1e6
        chromium.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tweets", type=int, default=100_000)
    parser.add_argument("--million", action="store_true", help="1,000,000 tweets")
    parser.add_argument("--keep", type=Path, help="build (or reuse) the archive here")
    args = parser.parse_args()
    n = 1_000_000 if args.million else args.tweets
    tmp = None
    if args.keep:
        folder = args.keep
    else:
        tmp = tempfile.mkdtemp(prefix="bench-render-")
        folder = Path(tmp) / "archive"
    try:
        if not (folder / "archive.sqlite").exists():
            print(f"building an archive of {n:,} distinct tweets … ", end="", flush=True)
            print(f"{build(folder, n):.0f} s")
        a = "--archive", str(folder)
        rows = [("full HTML render", step(["--force", *a]))]
        index = (folder / "index.html").stat().st_size
        files = sum(1 for p in folder.rglob("*") if p.is_file())
        search = sum(p.stat().st_size for p in (folder / "search").rglob("*.js"))
        rows.append(("render again, nothing changed", step([*a])))
        add(folder, 100, seed=101, newest=True)
        rows.append(("… after 100 new tweets (newest month)", step([*a])))
        add(folder, 100, seed=102, newest=False)
        rows.append(("… after 100 new tweets (spread over years)", step([*a])))
        key = subprocess.run(
            [sys.executable, "-m", "archiver", "list", "--limit", "1", *a],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()[0]
        rows.append(("one tweet's cards (--format all KEY)", step(["--format", "all", key, *a])))
        rows.append(
            (
                "one article's cards (--source)",
                step(["--format", "all", "--source", "gen/page-000123.html", *a]),
            )
        )
        rows.append(
            (
                "PNG cards of one month (2024-11)",
                step(
                    [
                        "--format",
                        "png",
                        "--since",
                        "2024-11-01",
                        "--until",
                        "2024-11-30",
                        "--jobs",
                        "2",
                        *a,
                    ]
                ),
            )
        )
        print(f"\n{n:,} distinct tweets ({datetime.now(UTC):%Y-%m-%d}):")
        print(f"{'step':48} {'seconds':>9} {'peak RSS MB':>12}")
        for label, row in rows:
            print(f"{label:48} {row['seconds']:9.2f} {row['rss_mb']:12.0f}")
        print(
            f"index.html: {index / 1024:.0f} KiB; files: {files:,}; "
            f"search index: {search / 1e6:.1f} MB"
        )
        queries = [
            {"q": "baba "},
            {"q": "bab"},
            {"q": "на "},
            {"q": "@ana_5feceb0 "},
            {"q": "#peweheba "},
            {"from": "2020-01-01", "to": "2020-03-31"},
            {"q": "baba ", "from": "2019-01-01", "to": "2019-12-31"},
        ]
        measured = browser(folder, queries)
        if measured:
            print(
                f"Chromium from file://: search usable {measured['usable_s']:.2f} s, "
                f"page loaded {measured['load_s']:.2f} s, JS heap {measured['js_heap_mb']:.0f} MB"
            )
            print(f"{'query':55} {'results':>14} {'cold ms':>8} {'warm ms':>8}")
            for q in measured["queries"]:  # type: ignore[union-attr]
                print(
                    f"{json.dumps(q['query'], ensure_ascii=False):55} {q['results']:>14} "
                    f"{q['cold_ms']:8.0f} {q['warm_ms']:8.0f}"
                )
        print(
            f"(max RSS of this driver: "
            f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB)"
        )
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
