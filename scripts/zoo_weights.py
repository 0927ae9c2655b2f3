"""Fit the weights of archiver/extract/boundary.py on the layout zoo (tests/layout_zoo.py).

    .venv/bin/python scripts/zoo_weights.py [--shared ../shared]

Every line the extractor weighs in the zoo's text copies is labelled from the ground truth
(part of the tweet's text or not); a logistic regression (L2, plain gradient descent: a few
thousand examples) fits one weight per signal. The script prints the weights in the order of
``boundary.WEIGHTS`` to paste there; the doubt band is chosen by looking at the accuracy per
layout that ``tests/test_layout_zoo.py`` reports.
"""

from __future__ import annotations

import argparse
import math
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from archiver.extract import boundary, text  # noqa: E402
from tests.layout_zoo import Case, build_zoo  # noqa: E402

_SPACE = re.compile(r"\s+")
_ITEM = re.compile(r"^- (?=\S)")


def examples(shared: Path) -> list[tuple[list[float], int]]:
    """(signals, 1 when the line is article prose) for every line weighed in the zoo."""
    out: list[tuple[list[float], int]] = []
    names = list(boundary.WEIGHTS)
    for case in build_zoo(shared):
        truth = _SPACE.sub("", case.tweet.text or "")

        def teacher(
            candidate: boundary.Candidate,
            page: boundary.Page,
            case: Case = case,
            truth: str = truth,
        ) -> boundary.Verdict:
            values = boundary.signals(candidate, page)
            line = _SPACE.sub("", _ITEM.sub("", candidate.line.strip()))
            prose = int(candidate.handle != case.tweet.handle or line not in truth)
            if candidate.handle == case.tweet.handle:
                out.append(([values[n] for n in names], prose))
            return boundary.Verdict.PROSE if prose else boundary.Verdict.TWEET

        text.verdict = teacher  # the walk stays the extractor's own; only the choice is taught
        text.extract_text(case.copy)
    return out


def fit(data: list[tuple[list[float], int]], l2: float = 0.001, steps: int = 6000) -> list[float]:
    """Logistic regression by gradient descent: weights for P(prose) = σ(Σ w·x)."""
    weights = [0.0] * len(data[0][0])
    rate = 0.5
    for _ in range(steps):
        grad = [l2 * w for w in weights]
        for x, y in data:
            z = sum(w * v for w, v in zip(weights, x, strict=True))
            p = 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))
            for k, v in enumerate(x):
                grad[k] += (p - y) * v / len(data)
        weights = [w - rate * g for w, g in zip(weights, grad, strict=True)]
    return weights


def main() -> None:
    """Fit and print the weights."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    args = parser.parse_args()
    data = examples(args.shared)
    prose = sum(y for _, y in data)
    print(f"{len(data)} lines weighed ({prose} prose, {len(data) - prose} tweet)")
    for name, weight in zip(boundary.WEIGHTS, fit(data), strict=True):
        print(f'    "{name}": {weight:.2f},')


if __name__ == "__main__":
    main()
