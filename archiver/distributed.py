"""Extraction on a Dask cluster: many web archives and documents in, JSONL shards out.

The archive is one SQLite file with one writer, so it does not scale out; extraction does,
being a pure function of each document. ``extract_to_shards`` runs it as a Dask bag over the
inputs: every partition is a run of consecutive inputs, and the worker that extracts it
writes one shard, ``shard-NNNNN.jsonl`` (NNNNN: the position of its first input), one line
per document (``Document.to_dict()``). Documents keep input order across shards, so
``archiver import`` of the shards in name order gives exactly what ``archiver extract`` of
the same inputs gives. A web archive is never split: it is read by one worker.

Needs the extra: ``pip install 'archiver[dask]'``. Without a client, a local process pool
runs the bag (``python -m archiver.distributed --out shards/ crawl/``).

On a real cluster:

1. Put the inputs and the shard folder on storage every machine mounts at the same path (NFS,
   CephFS, or an object store through a FUSE mount such as s3fs or gcsfuse): workers read the
   inputs by path and write the shards there themselves; only file names and skip reports
   travel back to the client.
2. Install archiver (the same version, with the extra) on every machine, then start
   ``dask scheduler`` on one and ``dask worker tcp://SCHEDULER:8786 --nworkers -1
   --nthreads 1`` on each (``dask-scheduler`` / ``dask-worker`` in old Dask releases):
   extraction is CPU-bound Python, so one single-threaded worker process per core.
3. ``python -m archiver.distributed --scheduler tcp://SCHEDULER:8786 --out /mnt/crawl/shards
   /mnt/crawl/warcs/`` from any machine that mounts the storage; inputs that cannot be read
   are reported as ``skipped PATH: reason`` and make the exit status 1, as with ``extract``.
4. On the machine that holds the archive: ``archiver import /mnt/crawl/shards/shard-*.jsonl``.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

from archiver.errors import ArchiverError
from archiver.paths import safe_join, write_atomic
from archiver.pipeline import Planned, Skipped, iter_jobs, plan_inputs, run_job
from archiver.workers import worker_pool

if TYPE_CHECKING:
    from distributed import Client

DEFAULT_PARTITION_SIZE = 16
_SHARD = re.compile(r"shard-\d+\.jsonl")
_MISSING_EXTRA = "distributed extraction needs the dask extra: pip install 'archiver[dask]'"


def _import_dask(name: str) -> ModuleType:
    """Import a module of the optional extra, or say which extra to install."""
    try:
        return importlib.import_module(name)
    except ImportError:
        raise ArchiverError(_MISSING_EXTRA) from None


def _write_shard(
    part: list[tuple[int, Planned]], out_dir: Path, width: int
) -> list[tuple[str, list[Skipped]]]:
    """Extract one partition and write its shard; runs on a worker.

    Returns the shard's name and the inputs skipped, for the client to report.
    """
    skipped: list[Skipped] = []
    lines = []
    for job in iter_jobs([item for _, item in part], skipped.append, None):
        result = run_job(job)
        if isinstance(result, Skipped):
            skipped.append(result)
        else:
            lines.append(json.dumps(result.to_dict(), ensure_ascii=False) + "\n")
    name = f"shard-{part[0][0]:0{width}d}.jsonl"
    # An empty shard is still written: the shard list must not depend on what was found.
    write_atomic(out_dir, name, "".join(lines))
    return [(name, skipped)]


def extract_to_shards(
    paths: Sequence[str | Path],
    out_dir: Path,
    *,
    client: Client | None = None,
    partition_size: int = DEFAULT_PARTITION_SIZE,
    on_skip: Callable[[Skipped], None] | None = None,
) -> list[Path]:
    """Extract ``paths`` (files, folders, web archives) into JSONL shards in ``out_dir``.

    ``client`` is a Dask client; without one, local worker processes that die with this one;
    ``partition_size`` is the number of inputs per partition, hence per shard. Inputs that
    cannot be read are passed to ``on_skip`` in input order. Returns the shards in name
    order; shards of an earlier run in ``out_dir`` that this run did not write are removed,
    so ``out_dir/shard-*.jsonl`` is always one run's output.
    """
    if partition_size < 1:
        raise ArchiverError(f"partition size must be at least 1, not {partition_size}")
    raw = [str(p) for p in paths]
    if "-" in raw:
        raise ArchiverError("standard input cannot be read on a cluster: save it to a file")
    bag = _import_dask("dask.bag")
    # Workers read by absolute path (their working folder is not ours); sources keep the
    # path as given, as `archiver extract` records it.
    items = [Planned(item.path.absolute(), item.display, item.problem) for item in plan_inputs(raw)]
    out = Path(out_dir).absolute()
    try:
        out.mkdir(parents=True, exist_ok=True)
        results: list[tuple[str, list[Skipped]]] = []
        if items:
            # One width for every name of a run, so name order is input order.
            width = max(5, len(str(len(items) - 1)))
            work = bag.from_sequence(list(enumerate(items)), partition_size=partition_size)
            graph = work.map_partitions(_write_shard, out, width)
            if client is not None:
                results = graph.compute(scheduler=client)
            else:  # local processes, which must not outlive us
                with worker_pool(os.cpu_count() or 1, "spawn") as pool:
                    results = graph.compute(scheduler="processes", pool=pool)
        written = {name for name, _ in results}
        for old in out.iterdir():
            if _SHARD.fullmatch(old.name) and old.name not in written:
                safe_join(out, old.name).unlink()
    except OSError as exc:
        raise ArchiverError(f"cannot write shards to {out}: {exc.strerror or exc}") from None
    if on_skip:
        for _, skipped in results:
            for item in skipped:
                on_skip(item)
    return [out / name for name, _ in results]


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m archiver.distributed``: extract to shards on a cluster; the exit status."""
    parser = argparse.ArgumentParser(
        prog="python -m archiver.distributed",
        description="Extract embedded tweets on a Dask cluster into JSONL shards for "
        "`archiver import`.",
    )
    parser.add_argument(
        "paths",
        nargs="+",
        metavar="PATH",
        help="files, folders or web archives, as for `archiver extract`",
    )
    parser.add_argument(
        "--out",
        required=True,
        type=Path,
        metavar="DIR",
        help="the shard folder (shared with every worker)",
    )
    parser.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="the Dask scheduler, e.g. tcp://10.0.0.1:8786 [default: local processes]",
    )
    parser.add_argument(
        "--partition-size",
        type=int,
        default=DEFAULT_PARTITION_SIZE,
        metavar="N",
        help="inputs per partition (and shard) [default: %(default)s]",
    )
    args = parser.parse_args(argv)
    skipped: list[Skipped] = []

    def on_skip(item: Skipped) -> None:
        skipped.append(item)
        print(f"skipped {item.path}: {item.reason}", file=sys.stderr)

    try:
        if args.scheduler:
            client_class = _import_dask("distributed").Client
            with client_class(args.scheduler) as client:
                shards = extract_to_shards(
                    args.paths,
                    args.out,
                    client=client,
                    partition_size=args.partition_size,
                    on_skip=on_skip,
                )
        else:
            shards = extract_to_shards(
                args.paths, args.out, partition_size=args.partition_size, on_skip=on_skip
            )
    except ArchiverError as exc:
        parser.exit(1, f"Error: {exc}\n")
    print(
        f"Wrote {len(shards)} shard{'s' if len(shards) != 1 else ''} to {args.out}, "
        f"skipped {len(skipped)}; merge into an archive with: archiver import "
        f"{args.out / 'shard-*.jsonl'}"
    )
    return 1 if skipped else 0


if __name__ == "__main__":
    sys.exit(main())
