"""PNG cards: ms per card (draw and encode apart), cards/s with jobs=2, and headless Chromium.

    .venv/bin/python benchmarks/bench_png.py [--cards 40] [--rounds 5] [--batch 200]

The cards are the golden cases (tests/golden/png/cases.json: Latin, French seed, Japanese,
Arabic, emoji, stub, dark), cycled. Chromium (Debian's, at /usr/bin/chromium, driven by
Playwright with ``executable_path``) opens the HTML card of each tweet from file:// and takes
an element screenshot at device scale 2, the same pixels the PNG card has. Times are the best
of ``--rounds`` (the machine may be shared); nothing here touches the network. The numbers go
in the README, not in a test.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")


def best_ms(fn: Callable[[], object], count: int, rounds: int) -> float:
    """The best over ``rounds`` of the mean time of one of ``count`` calls, in ms."""
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) / count * 1000)
    return min(times)


def chromium_ms(tweets: list, rounds: int) -> float | None:
    """ms per element screenshot of the HTML card, or None without Chromium/Playwright."""
    try:
        from playwright.sync_api import sync_playwright

        from archiver.render.site import card_pages
    except ImportError as exc:
        print(f"chromium: skipped ({exc})")
        return None
    if not CHROMIUM.is_file():
        print("chromium: skipped (apt-get install -y chromium)")
        return None
    from archiver.render import card_relpath

    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        out = Path(tmp)
        card_pages(tweets, out, theme="light")
        urls = [(out / card_relpath(t, "html")).as_uri() for t in tweets]
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        page = browser.new_context(
            viewport={"width": 620, "height": 900}, device_scale_factor=2
        ).new_page()
        # Nothing but file:// may load (the pages load nothing else anyway).
        page.route(
            "**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort()
        )

        def shoot() -> None:
            for url in urls:
                page.goto(url)
                page.locator("article.tweet").first.screenshot(type="png")

        shoot()  # warm-up
        result = best_ms(shoot, len(urls), rounds)
        browser.close()
    return result


def main() -> None:
    """Measure and print a small table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--batch", type=int, default=200, help="cards for the render_png runs")
    args = parser.parse_args()
    os.environ.setdefault("ARCHIVER_SYSTEM_FONTS", "0")
    sys.path.insert(0, str(ROOT))
    from archiver.model import Tweet
    from archiver.render.png import draw_card, encode_png, png_metadata, render_png

    cases = json.loads((ROOT / "tests/golden/png/cases.json").read_text(encoding="utf-8"))
    base = [(Tweet.from_dict(c["tweet"]), c["theme"]) for c in cases]
    cards = [base[i % len(base)] for i in range(args.cards)]
    for tweet, theme in base:  # warm-up: fonts, emoji, caches
        draw_card(tweet, theme=theme)

    images = []

    def draw() -> None:
        images.clear()
        images.extend(draw_card(t, theme=theme) for t, theme in cards)

    encoded: list[bytes] = []

    def encode() -> None:
        encoded.clear()
        for image, (tweet, theme) in zip(images, cards, strict=True):
            encoded.append(encode_png(image, png_metadata(tweet, theme)))

    draw_ms = best_ms(draw, len(cards), args.rounds)
    encode_ms = best_ms(encode, len(cards), args.rounds)
    sizes = [len(data) for data in encoded]
    heights = [image.height for image in images]

    with tempfile.TemporaryDirectory() as tmp:
        batch = [base[i % len(base)][0] for i in range(args.batch)]
        tweets = [Tweet.from_dict({**t.to_dict(), "key": f"k{i}"}) for i, t in enumerate(batch)]
        serial_start = time.perf_counter()
        render_png(tweets, Path(tmp) / "serial", force=True, jobs=1)
        serial = len(tweets) / (time.perf_counter() - serial_start)
        start = time.perf_counter()
        render_png(tweets, Path(tmp) / "jobs2", force=True, jobs=2)
        parallel = len(tweets) / (time.perf_counter() - start)

    chrome = chromium_ms([t for t, _ in base], args.rounds)
    print(f"cards: {len(cards)} at scale 2 (1100 px wide, {min(heights)}-{max(heights)} px tall)")
    print(f"draw:   {draw_ms:6.1f} ms/card")
    size = statistics.median(sizes) / 1e3
    print(f"encode: {encode_ms:6.1f} ms/card (PNG with metadata, median {size:.0f} kB)")
    print(f"total:  {draw_ms + encode_ms:6.1f} ms/card")
    print(f"render_png of {len(tweets)} cards, with writes and start-up:")
    print(f"  jobs=1 {serial:5.1f} cards/s, jobs=2 {parallel:5.1f} cards/s")
    if chrome is not None:
        print(
            f"chromium element screenshot: {chrome:6.1f} ms/card "
            f"({chrome / (draw_ms + encode_ms):.1f}x the PNG renderer)"
        )


if __name__ == "__main__":
    main()
