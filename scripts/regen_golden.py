"""Regenerate the golden PNG cards in tests/golden/png/ (never done by the tests themselves).

    .venv/bin/python scripts/regen_golden.py

Each case of ``tests/golden/png/cases.json`` is drawn with the bundled fonts only
(``ARCHIVER_SYSTEM_FONTS=0``, as the tests do), so the images do not depend on the fonts a
machine happens to have. Look at every image before committing it.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden" / "png"


def main() -> None:
    """Draw every case and write the PNGs that changed."""
    os.environ["ARCHIVER_SYSTEM_FONTS"] = "0"
    sys.path.insert(0, str(ROOT))
    from archiver.model import Tweet
    from archiver.paths import write_if_changed
    from archiver.render.png import card_png

    cases = json.loads((GOLDEN / "cases.json").read_text(encoding="utf-8"))
    for case in cases:
        tweet = Tweet.from_dict(case["tweet"])
        data = card_png(tweet, theme=case["theme"], scale=case.get("scale", 2))
        changed = write_if_changed(GOLDEN, f"{case['name']}.png", data)
        print(f"{'wrote' if changed else 'same '} {case['name']}.png ({len(data) / 1e3:.0f} kB)")


if __name__ == "__main__":
    main()
