"""Generate the data tables of ``archiver.entities``: emoji sequences and top-level domains.

Run it only to move to newer data; the outputs are committed and byte-identical from run to run::

    .venv/bin/pip install emoji==2.16.0     # dev-time input, not a run-time dependency
    .venv/bin/python scripts/gen_entity_data.py [--tld-lib ../shared/twitter-text/tld_lib.yml]

Inputs:

- PyPI ``emoji`` (BSD): its ``EMOJI_DATA`` is Unicode's emoji-test.txt (Unicode License v3),
  every emoji sequence with its status (component, fully-, minimally- or unqualified), and
  flags the emoji that have a variation sequence (emoji-variation-sequences.txt);
- ``tld_lib.yml`` of the twitter-text conformance suite (Apache-2.0): the generic and country
  top-level domains that URL extraction accepts, in the order twitter-text tries them.

Outputs: ``archiver/_emoji_data.py`` and ``archiver/_tld_data.py``.
"""

from __future__ import annotations

import argparse
import sys
import unicodedata
from collections import defaultdict
from pathlib import Path

import emoji
import yaml

ROOT = Path(__file__).resolve().parent.parent
EMOJI_OUT = ROOT / "archiver" / "_emoji_data.py"
TLD_OUT = ROOT / "archiver" / "_tld_data.py"
DEFAULT_TLD_LIB = ROOT.parent / "shared" / "twitter-text" / "tld_lib.yml"

ZWJ = 0x200D
VS16 = 0xFE0F
KEYCAP = 0x20E3
TONES = range(0x1F3FB, 0x1F400)
REGIONAL_INDICATORS = range(0x1F1E6, 0x1F200)
BLACK_FLAG, CANCEL_TAG = 0x1F3F4, 0xE007F
TAGS = range(0xE0020, 0xE007F)
WIDTH = 100


def ranges(code_points: set[int]) -> str:
    """Sorted code points folded into inclusive hex ranges: "231A-231B 23F0 ..."."""
    out: list[list[int]] = []
    for cp in sorted(code_points):
        if out and out[-1][1] == cp - 1:
            out[-1][1] = cp
        else:
            out.append([cp, cp])
    return " ".join(f"{a:X}" if a == b else f"{a:X}-{b:X}" for a, b in out)


def emoji_tables() -> dict[str, str]:
    """Classify every fully-qualified emoji sequence (and component) into the shapes entities.py
    matches, as the text the data module holds.

    Only fully-qualified sequences are kept: the matcher makes each U+FE0F optional, which covers
    the minimally-qualified and unqualified spellings (checked below).
    """
    fully_qualified = emoji.STATUS["fully_qualified"]
    qualified = [
        tuple(map(ord, seq))
        for seq, data in emoji.EMOJI_DATA.items()
        if data["status"] <= fully_qualified
    ]
    stripped = {tuple(cp for cp in seq if cp != VS16) for seq in qualified}
    if len(stripped) != len(qualified):
        sys.exit("two fully-qualified sequences differ only by U+FE0F")
    for seq in emoji.EMOJI_DATA:
        if tuple(ord(c) for c in seq if ord(c) != VS16) not in stripped:
            sys.exit(f"{seq!r} is not a fully-qualified sequence minus U+FE0F")

    single: set[int] = set()
    text_default: set[int] = set()
    modifier_bases: dict[int, set[int]] = defaultdict(set)
    keycaps: set[int] = set()
    flags: list[str] = []
    subdivisions: list[str] = []
    zwj: list[tuple[int, ...]] = []
    # Emoji-presentation code points that also have a variation sequence (emoji-variation-
    # sequences.txt): a U+FE0F after them is part of the emoji.
    variation_bases = {
        ord(seq)
        for seq, data in emoji.EMOJI_DATA.items()
        if len(seq) == 1 and data.get("variant") and data["status"] == fully_qualified
    }
    for seq in qualified:
        if len(seq) == 1:
            single.add(seq[0])
        elif ZWJ in seq:
            zwj.append(seq)
        elif len(seq) == 2 and seq[1] == VS16:
            text_default.add(seq[0])
        elif len(seq) == 2 and seq[1] in TONES:
            modifier_bases[seq[0]].add(seq[1])
        elif len(seq) == 3 and seq[1:] == (VS16, KEYCAP):
            keycaps.add(seq[0])
        elif len(seq) == 2 and all(cp in REGIONAL_INDICATORS for cp in seq):
            flags.append("".join(chr(cp - REGIONAL_INDICATORS[0] + ord("A")) for cp in seq))
        elif seq[0] == BLACK_FLAG and seq[-1] == CANCEL_TAG and all(c in TAGS for c in seq[1:-1]):
            subdivisions.append("".join(chr(cp - TAGS[0] + 0x20) for cp in seq[1:-1]))
        else:
            sys.exit(f"unclassified emoji sequence {seq!r}")
    if any(len(tones) != len(TONES) for tones in modifier_bases.values()):
        sys.exit("a modifier base lacks one of the five skin tones")
    return {
        "single": ranges(single),
        "variation_bases": ranges(variation_bases),
        "text_default": ranges(text_default),
        "modifier_bases": ranges(set(modifier_bases)),
        "keycap_bases": "".join(sorted(map(chr, keycaps))),
        "flags": " ".join(sorted(flags)),
        "subdivisions": " ".join(sorted(subdivisions)),
        "zwj": "\n".join(compress_tones(zwj)),
    }


def compress_tones(sequences: list[tuple[int, ...]]) -> list[str]:
    """ZWJ sequences as hex code points, "T" standing for any skin tone where all tones exist.

    Families of skin-tone variants are complete for most sequences (5 or 25 spellings) but not
    all (couples leave out some tone pairs), so a sequence folds only when its family is whole.
    """
    families: dict[tuple[object, ...], set[tuple[int, ...]]] = defaultdict(set)
    for seq in sequences:
        families[tuple("T" if cp in TONES else cp for cp in seq)].add(seq)
    out: list[str] = []
    for template, members in families.items():
        if len(members) == len(TONES) ** template.count("T"):
            out.append(" ".join(t if t == "T" else f"{t:X}" for t in template))
        else:
            out.extend(" ".join(f"{cp:X}" for cp in seq) for seq in members)
    return sorted(out)


def width(text: str) -> int:
    """Columns a line takes in an editor (and for ruff's line length): wide characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def text_block(words: str) -> str:
    """Space-separated words as a triple-quoted string, wrapped to WIDTH columns."""
    lines: list[str] = []
    for word in words.split():
        if lines and width(lines[-1]) + 1 + width(word) <= WIDTH:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return '"""\n' + "\n".join(lines) + '\n"""'


def write_emoji(tables: dict[str, str]) -> None:
    """Write archiver/_emoji_data.py from the classified tables."""
    EMOJI_OUT.write_text(
        f'''"""Emoji sequences for the weighted length (generated by scripts/gen_entity_data.py).

Do not edit. Source: Unicode's emoji-test.txt and emoji-variation-sequences.txt as the PyPI
package emoji {emoji.__version__} ships them. Only fully-qualified sequences are listed; the
matcher makes every U+FE0F optional, which also covers the minimally-qualified and unqualified
spellings. Code points are in hex, and a range "A-B" includes both ends.
"""

# Code points that are an emoji on their own (including the skin tone and hair components).
SINGLE = {text_block(tables["single"])}

# Code points of SINGLE that also have an emoji variation sequence: U+FE0F after them belongs to
# the emoji.
VARIATION_BASES = {text_block(tables["variation_bases"])}

# Code points that are text by default and an emoji when followed by U+FE0F.
TEXT_DEFAULT = {text_block(tables["text_default"])}

# Code points that take a skin tone modifier (U+1F3FB..U+1F3FF).
MODIFIER_BASES = {text_block(tables["modifier_bases"])}

# Keycap bases: each, then an optional U+FE0F, then U+20E3.
KEYCAP_BASES = "{tables["keycap_bases"]}"

# Flags: region codes whose letters map to regional indicators (A = U+1F1E6).
FLAGS = {text_block(tables["flags"])}

# Subdivision flags: the tag letters between U+1F3F4 and U+E007F (a = U+E0061).
SUBDIVISION_FLAGS = "{tables["subdivisions"]}"

# ZWJ sequences, one a line; T stands for any of the five skin tone modifiers.
ZWJ_SEQUENCES = """
{tables["zwj"]}
"""
''',
        encoding="utf-8",
    )


def write_tlds(tld_lib: Path) -> None:
    """Write archiver/_tld_data.py from the conformance suite's tld_lib.yml."""
    tlds = yaml.safe_load(tld_lib.read_text(encoding="utf-8"))
    TLD_OUT.write_text(
        f'''"""Top-level domains for URL extraction (generated by scripts/gen_entity_data.py).

Do not edit. Source: tld_lib.yml of the twitter-text conformance suite (Apache-2.0), kept in its
order, which is the order twitter-text tries them in.
"""

GENERIC = {text_block(" ".join(tlds["generic"]))}

COUNTRY = {text_block(" ".join(tlds["country"]))}
''',
        encoding="utf-8",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tld-lib", type=Path, default=DEFAULT_TLD_LIB)
    args = parser.parse_args()
    write_emoji(emoji_tables())
    write_tlds(args.tld_lib)
    for path in (EMOJI_OUT, TLD_OUT):
        print(f"wrote {path.relative_to(ROOT)} ({path.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
