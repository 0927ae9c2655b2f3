"""Fonts and emoji for the PNG cards: a fallback chain, Twemoji glyphs, and ``doctor_report``.

Pillow draws a string with exactly one font and has no fallback, so the card renderer asks
``FontChain.face_for`` which face covers each character (the first in the chain whose cmap maps
it) and shapes each run with that face through raqm. Coverage comes from the fonts' own
``cmap`` tables, read here without fontTools (a dev-only dependency).

Everything needed ships in ``archiver/fonts`` (see ``scripts/vendor_assets.py``): Noto Sans
(Latin, Greek, Cyrillic), Noto Sans Arabic and Hebrew, Noto Sans Symbols, Symbols 2 and Math,
a subset of Noto Sans CJK JP, and Twemoji as 72 px PNGs. A system Noto Sans CJK, when
installed, replaces the CJK subset (it covers every Han character); ``ARCHIVER_SYSTEM_FONTS=0``
turns that off so the output is the same on every machine (the tests and golden images do).
"""

from __future__ import annotations

import io
import mmap
import os
import struct
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path

import PIL
from PIL import Image, ImageFont, features

from archiver import _emoji_data

FONT_DIR = Path(__file__).resolve().parent.parent / "fonts"
EMOJI_ZIP = FONT_DIR / "twemoji-72.zip"
SYSTEM_FONTS_ENV = "ARCHIVER_SYSTEM_FONTS"

#: Without FriBiDi, Pillow turns raqm off altogether and lays text out with its basic engine.
HAVE_RAQM = features.check_feature("raqm")
LAYOUT = ImageFont.Layout.RAQM if HAVE_RAQM else ImageFont.Layout.BASIC

# (script label, regular file, bold file), in fallback order. CJK sits before the symbol
# fonts so that CJK punctuation comes from the CJK design.
_BUNDLED = (
    ("Latin, Greek, Cyrillic", "NotoSans-Regular.ttf", "NotoSans-Bold.ttf"),
    ("Arabic", "NotoSansArabic-Regular.ttf", "NotoSansArabic-Bold.ttf"),
    ("Hebrew", "NotoSansHebrew-Regular.ttf", "NotoSansHebrew-Bold.ttf"),
    ("CJK", "NotoSansCJKjp-Regular-subset.otf", "NotoSansCJKjp-Bold-subset.otf"),
    ("Symbols", "NotoSansSymbols-Regular.ttf", "NotoSansSymbols-Regular.ttf"),
    ("Symbols 2", "NotoSansSymbols2-Regular.ttf", "NotoSansSymbols2-Regular.ttf"),
    ("Math", "NotoSansMath-Regular.ttf", "NotoSansMath-Regular.ttf"),
)
# Where Linux distributions install Noto Sans CJK (index 0 of the collection is the JP face,
# the same design as the bundled subset).
_SYSTEM_CJK_DIRS = (
    "/usr/share/fonts/opentype/noto",  # Debian, Ubuntu
    "/usr/share/fonts/google-noto-cjk",  # Fedora
    "/usr/share/fonts/noto-cjk",  # Arch
)
_SYSTEM_CJK = {"regular": "NotoSansCJK-Regular.ttc", "bold": "NotoSansCJK-Bold.ttc"}

# Characters that belong to the cluster before them: marks, joiners, variation selectors,
# emoji modifiers and tags. They never start a font run or a line of their own.
_EXTENDERS = frozenset(
    [0x200C, 0x200D, 0x20E3, *range(0xFE00, 0xFE10), *range(0x1F3FB, 0x1F400)]
    + list(range(0xE0020, 0xE0080))
)
_VS15, _VS16 = 0xFE0E, 0xFE0F


def joins_previous(char: str) -> bool:
    """True for a character drawn as part of the one before it (a mark, ZWJ, VS, modifier)."""
    return ord(char) in _EXTENDERS or unicodedata.category(char) in ("Mn", "Me", "Mc")


@lru_cache(maxsize=32)
def cmap_coverage(path: Path, index: int = 0) -> frozenset[int]:
    """The code points the font's best Unicode cmap maps to a real glyph (not .notdef).

    Reads format 4 (BMP) and format 12 (full repertoire) subtables, of a single font or of
    face ``index`` in a collection, through ``mmap`` so a 20 MB collection is not read whole.
    """
    with open(path, "rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as data:
        base = 0
        if data[:4] == b"ttcf":
            (base,) = struct.unpack_from(">I", data, 12 + 4 * index)
        (num_tables,) = struct.unpack_from(">H", data, base + 4)
        tables = {
            data[base + 12 + 16 * i : base + 16 + 16 * i]: struct.unpack_from(
                ">I", data, base + 20 + 16 * i
            )[0]
            for i in range(num_tables)
        }
        cmap = tables.get(b"cmap")
        if cmap is None:
            return frozenset()
        (count,) = struct.unpack_from(">H", data, cmap + 2)
        subtables = {}
        for i in range(count):
            platform, encoding, offset = struct.unpack_from(">HHI", data, cmap + 4 + 8 * i)
            subtables[(platform, encoding)] = cmap + offset
        # Full-repertoire subtables first: they are a superset of the BMP ones.
        for key in ((3, 10), (0, 6), (0, 4), (3, 1), (0, 3)):
            offset = subtables.get(key)
            if offset is None:
                continue
            (fmt,) = struct.unpack_from(">H", data, offset)
            if fmt == 12:
                return frozenset(_format12(data, offset))
            if fmt == 4:
                return frozenset(_format4(data, offset))
    return frozenset()


def _format12(data: mmap.mmap, offset: int) -> Iterator[int]:
    (groups,) = struct.unpack_from(">I", data, offset + 12)
    for i in range(groups):
        first, last, glyph = struct.unpack_from(">III", data, offset + 16 + 12 * i)
        yield from range(first + (glyph == 0), last + 1)


def _format4(data: mmap.mmap, offset: int) -> Iterator[int]:
    (seg_x2,) = struct.unpack_from(">H", data, offset + 6)
    segs = seg_x2 // 2
    ends = struct.unpack_from(f">{segs}H", data, offset + 14)
    starts = struct.unpack_from(f">{segs}H", data, offset + 16 + seg_x2)
    deltas = struct.unpack_from(f">{segs}h", data, offset + 16 + 2 * seg_x2)
    range_pos = offset + 16 + 3 * seg_x2
    ranges = struct.unpack_from(f">{segs}H", data, range_pos)
    for i, (first, last) in enumerate(zip(starts, ends, strict=True)):
        for code in range(first, min(last, 0xFFFE) + 1):
            if ranges[i] == 0:
                glyph = (code + deltas[i]) & 0xFFFF
            else:
                at = range_pos + 2 * i + ranges[i] + 2 * (code - first)
                (glyph,) = struct.unpack_from(">H", data, at)
                glyph = (glyph + deltas[i]) & 0xFFFF if glyph else 0
            if glyph:
                yield code


@dataclass(frozen=True)
class Face:
    """One font file (face ``index`` of a collection) and the scripts it is there for."""

    label: str
    path: Path
    index: int = 0
    system: bool = False

    def covers(self, code: int) -> bool:
        """True if the font has a real glyph for ``code``."""
        return code in cmap_coverage(self.path, self.index)

    def font(self, size: int) -> ImageFont.FreeTypeFont:
        """The Pillow font at ``size`` pixels (cached per process)."""
        return _font(self.path, self.index, size)


@lru_cache(maxsize=128)
def _font(path: Path, index: int, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(path), size, index=index, layout_engine=LAYOUT)


@dataclass(frozen=True)
class FontChain:
    """Faces in fallback order; ``face_for`` picks the first that covers a character."""

    faces: tuple[Face, ...]
    _memo: dict[int, Face | None] = field(default_factory=dict, compare=False, repr=False)

    def face_for(self, code: int) -> Face | None:
        """The first face with a glyph for ``code``, or None when no face has one."""
        if code not in self._memo:
            self._memo[code] = next((f for f in self.faces if f.covers(code)), None)
        return self._memo[code]

    @property
    def primary(self) -> Face:
        """The first face: its metrics set the line box."""
        return self.faces[0]


def system_fonts_allowed() -> bool:
    """False when ``ARCHIVER_SYSTEM_FONTS=0``: then only bundled fonts are used."""
    return os.environ.get(SYSTEM_FONTS_ENV, "1").strip().lower() not in ("0", "no", "false")


def _system_cjk(weight: str) -> Path | None:
    if not system_fonts_allowed():
        return None
    for folder in _SYSTEM_CJK_DIRS:
        candidate = Path(folder) / _SYSTEM_CJK[weight]
        if candidate.is_file():
            return candidate
    return None


@cache
def font_chain(weight: str = "regular") -> FontChain:
    """The fallback chain for ``"regular"`` or ``"bold"`` text (decided once per process)."""
    column = 1 if weight == "regular" else 2
    faces = []
    for row in _BUNDLED:
        system = _system_cjk(weight) if row[0] == "CJK" else None
        if system is not None:
            faces.append(Face("CJK", system, 0, system=True))
        else:
            faces.append(Face(row[0], FONT_DIR / row[column]))
    return FontChain(tuple(faces))


def _ranges(spec: str) -> Iterator[int]:
    for item in spec.split():
        first, _, last = item.partition("-")
        yield from range(int(first, 16), int(last or first, 16) + 1)


class EmojiSet:
    """Twemoji artwork: which sequences exist, longest-match lookup, and scaled images.

    The PNGs are read from one zip held in memory, so worker processes never share a file
    offset. Sequences are matched with every U+FE0F optional (texts drop it as often as they
    keep it); a text-default character such as U+2764 or U+00A9 is an emoji only with U+FE0F,
    and U+FE0E asks for the text glyph.
    """

    def __init__(self, archive: bytes) -> None:
        self._zip = zipfile.ZipFile(io.BytesIO(archive))
        self._trie: dict[int, dict] = {}
        for name in sorted(self._zip.namelist()):
            stem = name.removesuffix(".png")
            node = self._trie
            for part in stem.split("-"):
                code = int(part, 16)
                if code != _VS16:
                    node = node.setdefault(code, {})
            node.setdefault(None, name)
        self._text_default = frozenset(_ranges(_emoji_data.TEXT_DEFAULT))

    def __len__(self) -> int:
        return len(self._zip.namelist())

    def match(self, text: str, start: int) -> tuple[int, str] | None:
        """``(end, name)`` of the longest emoji sequence at ``text[start]``, else None."""
        node, pos, best = self._trie, start, None
        while pos < len(text):
            code = ord(text[pos])
            if code == _VS16 and pos > start:
                pos += 1
            elif code in node:
                node = node[code]
                pos += 1
            else:
                break
            if None in node:
                best = (pos, node[None])
        if best is None:
            return None
        end, name = best
        following = ord(text[end]) if end < len(text) else None
        if following == _VS15:
            return None
        if following == _VS16:
            end += 1
        if end - start == 1 and ord(text[start]) in self._text_default:
            return None
        return end, name

    def read(self, name: str) -> bytes:
        """The PNG bytes of emoji ``name``."""
        return self._zip.read(name)


@cache
def emoji_set() -> EmojiSet:
    """The bundled Twemoji set (loaded once per process)."""
    return EmojiSet(EMOJI_ZIP.read_bytes())


@lru_cache(maxsize=1024)
def emoji_image(name: str, size: int) -> Image.Image:
    """The emoji ``name`` as an RGBA image of ``size`` x ``size`` pixels."""
    with Image.open(io.BytesIO(emoji_set().read(name))) as png:
        return png.convert("RGBA").resize((size, size), Image.Resampling.LANCZOS)


def doctor_report() -> list[tuple[str, str]]:
    """What the PNG renderer will draw with, and what is degraded on this machine.

    Rows of ``(topic, finding)`` for ``archiver doctor``: versions, the text layout engine,
    FriBiDi, every font of the fallback chain (bundled or system), the emoji set, and a last
    ``Degraded`` row (``"nothing"`` when all is well).
    """
    degraded = []
    rows = [("Pillow", PIL.__version__), ("FreeType", features.version_module("freetype2") or "?")]
    if HAVE_RAQM:
        rows.append(
            (
                "Text layout",
                f"raqm {features.version_feature('raqm')}, "
                f"HarfBuzz {features.version_feature('harfbuzz')}: shaping, kerning, ligatures",
            )
        )
        rows.append(("FriBiDi", f"{features.version_feature('fribidi')} (system libfribidi)"))
    else:
        rows.append(("Text layout", "basic (raqm unavailable)"))
        rows.append(("FriBiDi", "not found: install libfribidi0 (Debian/Ubuntu) or fribidi"))
        degraded.append(
            "without FriBiDi Pillow turns raqm off: Arabic letters are drawn unjoined "
            "(isolated forms), marks may sit badly, no ligatures; right-to-left order is "
            "still right (archiver reorders runs itself)"
        )
    for face in font_chain("regular").faces:
        origin = "system" if face.system else "bundled"
        rows.append((f"Font: {face.label}", f"{face.path.name} ({origin}, {face.path.parent})"))
    cjk = next(f for f in font_chain("regular").faces if f.label == "CJK")
    if not cjk.system:
        degraded.append(
            "CJK: bundled subset (5,009 common Han, kana, 2,350 Hangul); rarer Han characters "
            "are drawn as U+FFFD. Install fonts-noto-cjk for full coverage"
            + (f" (or unset {SYSTEM_FONTS_ENV})" if not system_fonts_allowed() else "")
        )
    rows.append(("Emoji", f"Twemoji 72 px PNGs, {len(emoji_set())} sequences (bundled)"))
    rows.append(("Degraded", "; ".join(degraded) or "nothing"))
    return rows
