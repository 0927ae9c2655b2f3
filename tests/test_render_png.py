"""PNG cards: golden images, no tofu over the corpus, bidi and wrapping, hostile records.

Every test draws with the bundled fonts only (``ARCHIVER_SYSTEM_FONTS=0``) so the pixels do not
depend on the fonts a machine happens to have. Golden images are regenerated only by
``scripts/regen_golden.py``.
"""

from __future__ import annotations

import io
import json
import time
from dataclasses import replace
from pathlib import Path

import pytest
from lxml import html as lxml_html
from PIL import Image, ImageChops, ImageFont, ImageStat

from archiver.model import Media, Tweet
from archiver.render import card_relpath, fonts, png
from archiver.render.fonts import SYSTEM_FONTS_ENV, cmap_coverage, emoji_image, font_chain
from archiver.render.png import (
    FINGERPRINT_KEY,
    MAX_TEXT_CHARS,
    Span,
    Typesetter,
    card_png,
    clean_text,
    draw_card,
    render_png,
)
from tests.conftest import SEEDS, need_shared

GOLDEN = Path(__file__).parent / "golden" / "png"
CASES = json.loads((GOLDEN / "cases.json").read_text(encoding="utf-8"))
PLANTE = Tweet.from_dict(CASES[0]["tweet"])
ARABIC = Tweet.from_dict(next(c["tweet"] for c in CASES if c["name"] == "arabic"))
# Pixels may differ by a little (FreeType or zlib versions): this many channel levels ...
PIXEL_TOLERANCE = 48
# ... on at most this share of the pixels.
AREA_TOLERANCE = 0.003


@pytest.fixture(autouse=True)
def bundled_fonts(monkeypatch: pytest.MonkeyPatch) -> None:
    """Draw with the bundled fonts only, whatever the machine has installed."""
    monkeypatch.setenv(SYSTEM_FONTS_ENV, "0")
    font_chain.cache_clear()


def _tweet(text: str | None, **fields: object) -> Tweet:
    return Tweet(key=str(fields.pop("key", "t-test")), text=text, **fields)  # type: ignore[arg-type]


def _png_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    """The (type, payload) chunks of a PNG file."""
    chunks, pos = [], 8
    while pos < len(data):
        length = int.from_bytes(data[pos : pos + 4], "big")
        chunks.append((data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]))
        pos += 12 + length
    return chunks


# --- golden images -------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_golden_card(case: dict) -> None:
    expected = Image.open(GOLDEN / f"{case['name']}.png")
    actual = draw_card(
        Tweet.from_dict(case["tweet"]), theme=case["theme"], scale=case.get("scale", 2)
    )
    assert actual.size == expected.size, "layout changed: run scripts/regen_golden.py and look"
    diff = ImageChops.difference(actual, expected.convert("RGBA")).convert("L")
    off = sum(diff.point(lambda v: 255 if v > PIXEL_TOLERANCE else 0).histogram()[255:])
    assert off <= AREA_TOLERANCE * actual.width * actual.height, f"{off} pixels differ"


# --- no tofu over the corpus and the seed --------------------------------------------------


def _corpus_texts() -> list[str]:
    """The tweets' text and bylines of every corpus page, and the seed articles whole."""
    shared = need_shared()
    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    texts += [p.read_text(encoding="utf-8") for p in sorted((shared / "seeds").glob("*.txt"))]
    for path in sorted((shared / "corpus").rglob("*")):
        if not path.is_file() or b"twitter-tweet" not in (raw := path.read_bytes()):
            continue
        try:
            doc = lxml_html.fromstring(raw.decode("utf-8"))
        except UnicodeDecodeError:  # a legacy-encoded page: lxml reads its <meta charset>
            doc = lxml_html.fromstring(raw)
        quotes = doc.xpath('//blockquote[contains(concat(" ", @class, " "), " twitter-tweet ")]')
        texts += [q.text_content() for q in quotes]
    return texts


def test_no_glyph_is_tofu_over_corpus_and_seed() -> None:
    setter = Typesetter(40)
    notdef: dict[fonts.Face, bytes] = {}
    checked: set[tuple[fonts.Face, str]] = set()
    emoji: set[str] = set()
    for text in _corpus_texts():
        for atom in setter.atoms([Span(clean_text(text))]):
            if atom.emoji is not None:
                emoji.add(atom.emoji)
                continue
            if atom.face is None:  # a line break
                continue
            assert atom.text != "\ufffd", f"no font for {text!r}"
            base = atom.text[0]
            if base.isspace() or (atom.face, base) in checked:
                continue
            checked.add((atom.face, base))
            assert atom.face.covers(ord(base)), f"{base!r} U+{ord(base):04X} not in {atom.face}"
            font = atom.face.font(40)
            if atom.face not in notdef:
                notdef[atom.face] = bytes(font.getmask("\U0010fffd"))
            assert bytes(font.getmask(base)) != notdef[atom.face], f"{base!r} draws as .notdef"
    assert len(checked) > 400 and len(emoji) > 25  # the corpus has 474 and 29
    for name in emoji:
        image = emoji_image(name, 36)
        opaque = image.getchannel("A").point(lambda a: 255 if a > 128 else 0)
        saturation = image.convert("RGB").convert("HSV").getchannel("S")
        assert ImageStat.Stat(saturation, opaque).extrema[0][1] > 40, f"{name} is not coloured"


def test_cmap_reader_matches_fonttools() -> None:
    ttlib = pytest.importorskip("fontTools.ttLib")
    for face in font_chain("regular").faces + font_chain("bold").faces:
        expected = set(ttlib.TTFont(face.path, fontNumber=face.index).getBestCmap())
        assert cmap_coverage(face.path, face.index) == expected, face.path.name


# --- emoji ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("👨‍👩‍👧‍👦", ["1f468-200d-1f469-200d-1f467-200d-1f466"]),
        ("👍🏽", ["1f44d-1f3fd"]),
        ("🇫🇷🇯🇵", ["1f1eb-1f1f7", "1f1ef-1f1f5"]),
        ("1️⃣ #⃣", ["31-20e3", "23-20e3"]),
        ("🏳️‍🌈", ["1f3f3-fe0f-200d-1f308"]),
        ("❤ © ™", []),  # text presentation by default
        ("❤️ ©️", ["2764", "a9"]),
        ("😀︎", []),  # VS15 asks for the text glyph
        ("2023 #1", []),
    ],
)
def test_emoji_sequences(text: str, names: list[str]) -> None:
    atoms = Typesetter(30).atoms([Span(text)])
    assert [a.emoji.removesuffix(".png") for a in atoms if a.emoji] == names


# --- bidi, wrapping, cleaning --------------------------------------------------------------


def _visual_text(spans: list[Span], width: float = 10_000) -> list[str]:
    lines, _ = Typesetter(30).layout(spans, width)
    return ["|".join(p.text or "+".join(p.emoji) for p in line.pieces) for line in lines]


def test_mixed_rtl_ltr_line_is_in_visual_order() -> None:
    # Hebrew paragraph with an English word and a number: runs laid out right to left.
    assert _visual_text([Span("שלום world 123 עולם")]) == ["עולם| |world 123|שלום "]
    # English paragraph quoting Hebrew: the Hebrew run stays one right-to-left run.
    assert _visual_text([Span("He said שלום עולם today")]) == ["He said |שלום עולם| |today"]


def test_entities_are_isolated_in_rtl_text() -> None:
    spans = [Span("مرحبا "), Span("@someone", "link", isolate=True), Span(" عالم")]
    (line,) = _visual_text(spans)
    assert line.split("|") == ["عالم", " ", "@someone", "مرحبا "]


def test_wrapping_cjk_kinsoku_and_long_urls() -> None:
    setter = Typesetter(30)
    lines, _ = setter.layout([Span("今日は新しい論文を読みました。とても興味深い。")], 300)
    texts = ["".join(p.text for p in line.pieces) for line in lines]
    assert len(texts) > 1 and all(t and t[0] not in "。、" for t in texts)
    url = "https://example.com/" + "/".join(["segment"] * 30)
    lines, _ = setter.layout([Span(f"see {url}", "link")], 400)
    assert all(line.width <= 400 for line in lines) and len(lines) > 3
    assert "".join("".join(p.text for p in line.pieces) for line in lines) == f"see{url}"


def test_entities_coloured_without_trailing_period() -> None:
    card = png._view(_tweet("thanks @alice. see #tag."))
    (para,) = card.paragraphs
    assert [(s.text, s.colour) for s in para] == [
        ("thanks ", "fg"),
        ("@alice", "link"),
        (". see ", "fg"),
        ("#tag", "link"),
        (".", "fg"),
    ]


def test_clean_text_drops_controls_and_overrides() -> None:
    raw = "a\x00b\x1bc\x85d\u202eevil\u202c\u2066iso\u2069\r\ne\tf\n\n\n\ng\ud800"
    assert clean_text(raw) == "abcdeviliso\ne f\n\ng"
    assert clean_text("x\ny", single_line=True) == "x y"


# --- hostile records -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "\u202egnp.exe " * 200 + "\u0085\x9b\x1b[31m",
        "a" + "\u200d" * 5000 + "👨" + "\u200d👩" * 3000,
        "word " * 20_000,
        "x" * 100_000,
        "\n" * 10_000 + "end",
    ],
    ids=["rlo-and-c1", "zwj-flood", "100k-words", "100k-one-word", "newlines"],
)
def test_hostile_text_is_bounded(text: str) -> None:
    tweet = _tweet(text, author="\u202e" + "N" * 5000, handle="h" * 3000)
    start = time.perf_counter()
    data = card_png(tweet)
    elapsed = time.perf_counter() - start
    image = Image.open(io.BytesIO(data))
    assert image.width == 1100 and image.height < 2600
    assert len(data) < 2_000_000 and elapsed < 20
    if len(clean_text(text)) > MAX_TEXT_CHARS:
        assert "Text shortened" in (png._view(tweet).shortened or "")


# --- determinism, metadata, files ----------------------------------------------------------


def test_same_record_same_bytes_and_metadata() -> None:
    data = card_png(PLANTE)
    assert data == card_png(PLANTE)
    assert data != card_png(PLANTE, theme="dark")
    chunks = _png_chunks(data)
    kinds = {kind for kind, _ in chunks}
    assert b"tIME" not in kinds and b"iTXt" in kinds
    itxt = {p.split(b"\0", 1)[0]: p for kind, p in chunks if kind == b"iTXt"}
    assert b"Author" in itxt and "Valérie".encode() in itxt[b"Author"]
    info = Image.open(io.BytesIO(data)).info
    assert info["tweet:id"] == PLANTE.id and info["tweet:handle"] == "Val_Plante"
    assert info["Description"] == PLANTE.text and info["Source"] == PLANTE.url
    assert info["Software"].startswith("archiver ")
    assert json.loads(info["tweet:sources"])[0]["path"].startswith("seeds/")
    assert len(info[FINGERPRINT_KEY]) == 64
    ascii_only = {p.split(b"\0", 1)[0] for kind, p in chunks if kind in (b"tEXt", b"zTXt")}
    assert b"tweet:id" in ascii_only


def test_scale_sets_width_and_height_fits_content() -> None:
    small = draw_card(PLANTE, scale=1)
    assert small.size[0] == 550 and draw_card(PLANTE, scale=3).size[0] == 1650
    short = draw_card(_tweet("hi"), scale=1)
    assert short.height < small.height
    assert short.getpixel((0, 0))[3] == 0 and short.getpixel((275, 100))[3] == 255


def test_uncertain_text_gets_a_small_footer_mark() -> None:
    unsure = replace(PLANTE, text_uncertain=True, text_alternative=PLANTE.text.split("\n", 1)[1])
    assert png._view(unsure).uncertain and not png._view(PLANTE).uncertain
    sure_card, unsure_card = draw_card(PLANTE, scale=1), draw_card(unsure, scale=1)
    assert unsure_card.width == sure_card.width
    # One small line more in the footer; everything above it is the same picture.
    assert 15 <= unsure_card.height - sure_card.height <= 25
    top = (0, 0, sure_card.width, sure_card.height - 60)
    assert ImageChops.difference(sure_card.crop(top), unsure_card.crop(top)).getbbox() is None


def test_stub_card_says_text_not_captured() -> None:
    stub = Tweet(key="1170423678363791361", id="1170423678363791361", handle="KatieKaitchuck")
    view = png._view(stub)
    assert view.stub == (
        ("Tweet id", "1170423678363791361"),
        ("Created", "September 7, 2019 · 19:48 UTC"),
    )
    assert draw_card(stub).size == (1100, draw_card(stub).height)
    assert png._view(Tweet(key="t-x")).stub == ()  # nothing known: still a stub card


def test_render_png_incremental_force_and_jobs(archive_dir: Path) -> None:
    tweets = [PLANTE, ARABIC, _tweet("media", key="m", media=(Media("u", "pic.twitter.com/x"),))]
    report = render_png(tweets, archive_dir)
    assert report.written == 3 and report.unchanged == 0
    first = {p: (archive_dir / p).read_bytes() for p in report.paths}
    assert set(first) == {card_relpath(t, "png") for t in tweets}
    again = render_png(tweets, archive_dir)
    assert (again.written, again.unchanged) == (0, 3)
    forced = render_png(tweets, archive_dir, force=True, jobs=2)
    assert forced.written == 3
    assert {p: (archive_dir / p).read_bytes() for p in forced.paths} == first
    edited = render_png(
        [tweets[0], Tweet.from_dict({**ARABIC.to_dict(), "text": "x"})], archive_dir
    )
    assert edited.paths == (card_relpath(ARABIC, "png"),) and edited.unchanged == 1


def test_invalid_arguments(archive_dir: Path) -> None:
    with pytest.raises(ValueError, match="theme"):
        draw_card(PLANTE, theme="sepia")
    with pytest.raises(ValueError, match="scale"):
        card_png(PLANTE, scale=4)
    with pytest.raises(ValueError, match="jobs"):
        render_png([PLANTE], archive_dir, jobs=0)


# --- degraded machines and doctor ----------------------------------------------------------


def test_basic_layout_without_raqm_still_draws(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fonts, "LAYOUT", ImageFont.Layout.BASIC)
    monkeypatch.setattr(png, "HAVE_RAQM", False)
    fonts._font.cache_clear()
    png._text_width.cache_clear()
    try:
        assert draw_card(ARABIC).width == 1100
    finally:
        fonts._font.cache_clear()
        png._text_width.cache_clear()


def test_doctor_report_names_fonts_and_degradation() -> None:
    rows = dict(fonts.doctor_report())
    assert rows["Pillow"] and "Emoji" in rows and "Font: CJK" in rows
    assert "bundled subset" in rows["Degraded"]  # system fonts are off in the tests
    if fonts.HAVE_RAQM:
        assert "HarfBuzz" in rows["Text layout"] and rows["FriBiDi"][0].isdigit()
