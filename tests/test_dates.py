"""archiver.dates: snowflake times, ISO stamps, datetime attributes and localized shown dates.

The shown-date parser is checked three ways: a table of dates in many languages and scripts,
every date of the real corpus in ../shared against its status id's time, and (where Babel is
installed) CLDR's own formatted dates. Babel is needed only for those and for checking that
regenerating data/months.json gives the committed bytes.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from types import ModuleType

import lxml.html
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archiver.dates import (
    FIRST_SNOWFLAKE_ID,
    MAX_YEAR,
    MIN_YEAR,
    SNOWFLAKE_EPOCH_MS,
    consistent,
    iso_z,
    parse_datetime_attr,
    parse_shown_date,
    snowflake_time,
)

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(__file__).resolve().parents[2] / "shared"
MONTHS_JSON = ROOT / "archiver" / "data" / "months.json"


def shared() -> Path:
    """../shared; skip when it is absent, but fail under CI, which must run beside it."""
    if not SHARED.is_dir():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{SHARED} is missing: CI must run beside shared/")
        pytest.skip(f"{SHARED} is not here (the corpus tests need ../shared)")
    return SHARED


def snowflake_for(moment: datetime) -> int:
    """The smallest status id minted at ``moment``."""
    ms = int(moment.timestamp() * 1000) - SNOWFLAKE_EPOCH_MS
    return ms << 22


# --- snowflake_time ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tweet_id", "expected"),
    [
        # Corpus ids whose embeds carry data-datetime, which agrees to the second.
        ("242393643154022400", datetime(2012, 9, 2, 22, 48, 42, 641000, tzinfo=UTC)),
        (242393643154022400, datetime(2012, 9, 2, 22, 48, 42, 641000, tzinfo=UTC)),
        ("700752598123433985", datetime(2016, 2, 19, 18, 43, 33, 403000, tzinfo=UTC)),
        (" 1453110110599868418\n", datetime(2021, 10, 26, 21, 23, 42, 504000, tzinfo=UTC)),
        (FIRST_SNOWFLAKE_ID, datetime(2010, 11, 4, 1, 43, 1, 738000, tzinfo=UTC)),
    ],
)
def test_snowflake_time_decodes_ids(tweet_id: str | int, expected: datetime) -> None:
    assert snowflake_time(tweet_id) == expected


@pytest.mark.parametrize(
    "tweet_id",
    [
        20,  # the first tweet ever: sequential, no time in it
        "20",
        FIRST_SNOWFLAKE_ID - 1,
        0,
        -1,
        "-1",
        "",
        "abc",
        "12a",
        "1e18",
        "１２３４５６７８９０１２３４５６",  # fullwidth digits are not an id
        "٢٤٢٣٩٣٦٤٣١٥٤٠٢٢٤٠٠",  # nor are Arabic-Indic ones
        "9" * 30,
        2**63,
        True,
        1.5e18,
        None,
    ],
)
def test_snowflake_time_rejects_non_snowflakes(tweet_id: object) -> None:
    assert snowflake_time(tweet_id) is None  # type: ignore[arg-type]


def test_snowflake_time_rejects_the_future_but_allows_a_day_of_skew() -> None:
    now = datetime.now(UTC)
    assert snowflake_time(snowflake_for(now + timedelta(days=3))) is None
    assert snowflake_time(snowflake_for(now + timedelta(hours=12))) is not None


# --- iso_z ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("dt", "expected"),
    [
        (datetime(2023, 4, 12, 14, 3, 11, tzinfo=UTC), "2023-04-12T14:03:11Z"),
        (datetime(2023, 4, 12, 14, 3, 11, 123000, tzinfo=UTC), "2023-04-12T14:03:11.123Z"),
        (datetime(2023, 4, 12, 14, 3, 11, 5000, tzinfo=UTC), "2023-04-12T14:03:11.005Z"),
        # Below a millisecond is dropped: snowflakes have no finer time.
        (datetime(2023, 4, 12, 14, 3, 11, 999, tzinfo=UTC), "2023-04-12T14:03:11Z"),
        (datetime(2023, 4, 12, 14, 3, 11), "2023-04-12T14:03:11Z"),
        (
            datetime(2023, 4, 12, 22, 3, 11, tzinfo=timezone(timedelta(hours=-5))),
            "2023-04-13T03:03:11Z",
        ),
    ],
)
def test_iso_z(dt: datetime, expected: str) -> None:
    assert iso_z(dt) == expected


def test_iso_z_round_trips_snowflake_times() -> None:
    created = snowflake_time("242393643154022400")
    assert created is not None
    assert iso_z(created) == "2012-09-02T22:48:42.641Z"
    assert parse_datetime_attr(iso_z(created)) == created


# --- parse_datetime_attr -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2012-09-02T22:48:42+00:00", datetime(2012, 9, 2, 22, 48, 42, tzinfo=UTC)),
        ("2016-02-19T18:43:33+0000", datetime(2016, 2, 19, 18, 43, 33, tzinfo=UTC)),
        ("2014-12-30T07:00:00Z", datetime(2014, 12, 30, 7, tzinfo=UTC)),
        ("2016-11-21T17:19:06.000Z", datetime(2016, 11, 21, 17, 19, 6, tzinfo=UTC)),
        ("2016-12-09T17:51:26-05:00", datetime(2016, 12, 9, 22, 51, 26, tzinfo=UTC)),
        ("2016-12-03T15:26:46", datetime(2016, 12, 3, 15, 26, 46, tzinfo=UTC)),
        ("  2023-04-12 14:03 ", datetime(2023, 4, 12, 14, 3, tzinfo=UTC)),
        ("Mon, 22 Dec 2014 17:43:29 +0000", datetime(2014, 12, 22, 17, 43, 29, tzinfo=UTC)),
    ],
)
def test_parse_datetime_attr(value: str, expected: datetime) -> None:
    parsed = parse_datetime_attr(value)
    assert parsed == expected
    assert parsed is not None and parsed.utcoffset() == timedelta(0)


@pytest.mark.parametrize(
    "value",
    ["", "2023-04-12", "April 12, 2023", "2023-13-12T14:03:11Z", "yesterday", "9" * 10_000, None],
)
def test_parse_datetime_attr_rejects(value: str | None) -> None:
    assert parse_datetime_attr(value) is None  # type: ignore[arg-type]


# --- consistent ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("shown", "created", "expected"),
    [
        (None, None, True),
        (date(2023, 4, 12), None, True),
        (None, datetime(2023, 4, 12, tzinfo=UTC), True),
        (date(2023, 4, 12), datetime(2023, 4, 12, 23, 59, tzinfo=UTC), True),
        (date(2023, 4, 11), datetime(2023, 4, 12, 0, 30, tzinfo=UTC), True),
        (date(2023, 4, 13), datetime(2023, 4, 12, 0, 30, tzinfo=UTC), True),
        (date(2023, 4, 14), datetime(2023, 4, 12, 23, 59, tzinfo=UTC), False),
        (date(2022, 4, 12), datetime(2023, 4, 12, tzinfo=UTC), False),
        # Compared in UTC: 21:00 in New York on the 12th is the 13th in UTC.
        (date(2023, 4, 14), datetime(2023, 4, 12, 21, tzinfo=timezone(timedelta(hours=-4))), True),
        (date(2023, 4, 12), datetime(2023, 4, 12, 12), True),
    ],
)
def test_consistent(shown: date | None, created: datetime | None, expected: bool) -> None:
    assert consistent(shown, created) is expected


# --- parse_shown_date: a table -------------------------------------------------------------

SHOWN_DATES = [
    # English, as embeds show it, and old embeds with the time first.
    ("April 12, 2023", date(2023, 4, 12)),
    ("Apr 12, 2023", date(2023, 4, 12)),
    ("12 April 2023", date(2023, 4, 12)),
    ("12 Apr 2023", date(2023, 4, 12)),
    ("April 12th, 2023", date(2023, 4, 12)),
    ("2:41 PM - 12 Apr 2023", date(2023, 4, 12)),
    ("10:43 AM - 19 Feb 2016", date(2016, 2, 19)),
    ("2:41 PM · Apr 12, 2023", date(2023, 4, 12)),
    ("SEPTEMBER 2, 2012", date(2012, 9, 2)),
    # Credit lines of flattened embeds: the date ends them.
    ("— Valérie Plante (@Val_Plante) April 12, 2023", date(2023, 4, 12)),
    ("pic.twitter.com/xyz— L’actualité (@Lactualite) April 13, 2023", date(2023, 4, 13)),
    ("— Peter Wittkamp🐬 (@diktator) 25. September 2018", date(2018, 9, 25)),
    ("In 2019 we met. — A (@a) 3 May 2020", date(2020, 5, 3)),
    # Russian and Ukrainian genitives.
    ("16 мая 2018 г.", date(2018, 5, 16)),
    ("1 января 2020 г.", date(2020, 1, 1)),
    ("24 травня 2019 р.", date(2019, 5, 24)),
    # German, Dutch, Scandinavian.
    ("25. Januar 2019", date(2019, 1, 25)),
    ("3. März 2020", date(2020, 3, 3)),
    ("6. März 2018", date(2018, 3, 6)),
    ("19\nde septiembre de 2017", date(2017, 9, 19)),
    ("24 mei 2019", date(2019, 5, 24)),
    ("24. mai 2019", date(2019, 5, 24)),
    ("24 maj 2019", date(2019, 5, 24)),
    # Romance languages.
    ("24 de mayo de 2019", date(2019, 5, 24)),
    ("12 avr. 2023", date(2023, 4, 12)),
    ("11 août 2020", date(2020, 8, 11)),
    ("1er juin 2020", date(2020, 6, 1)),
    ("24 maggio 2019", date(2019, 5, 24)),
    ("24 de maio de 2019", date(2019, 5, 24)),
    ("24 d’abril de 2019", date(2019, 4, 24)),
    ("24 d'abril del 2019", date(2019, 4, 24)),
    ("24 mai 2019", date(2019, 5, 24)),
    # Central and eastern Europe.
    ("21 października 2020", date(2020, 10, 21)),
    ("1. června 2020", date(2020, 6, 1)),
    ("1. júna 2020", date(2020, 6, 1)),
    ("2019. május 24.", date(2019, 5, 24)),
    ("2019 m. gegužės 24 d.", date(2019, 5, 24)),
    ("2019. gada 24. maijs", date(2019, 5, 24)),
    ("24. toukokuuta 2019", date(2019, 5, 24)),
    ("24 Mayıs 2019", date(2019, 5, 24)),
    ("24 Μαΐου 2019", date(2019, 5, 24)),
    ("24 μαΐου 2019", date(2019, 5, 24)),
    # Basque puts the year first and glues case endings on.
    ("2019(e)ko maiatzaren 24(a)", date(2019, 5, 24)),
    ("2019ko maiatzaren 24a", date(2019, 5, 24)),
    # Right-to-left scripts, with their own digits.
    ("٢٤ مايو ٢٠٢١", date(2021, 5, 24)),
    ("24 مايو 2021", date(2021, 5, 24)),
    ("٢٤ أيار ٢٠٢١", date(2021, 5, 24)),
    ("24 كانون الثاني 2021", date(2021, 1, 24)),
    ("24 كانون الأول 2021", date(2021, 12, 24)),
    ("۲۴ مهٔ ۲۰۲۱", date(2021, 5, 24)),
    ("۲۴ مه ۲۰۲۱", date(2021, 5, 24)),
    ("24 במאי 2019", date(2019, 5, 24)),
    ("24 מאי 2019", date(2019, 5, 24)),
    # East and south Asia.
    ("2019年5月24日", date(2019, 5, 24)),
    ("２０１９年５月２４日", date(2019, 5, 24)),
    ("午後2:41 · 2019年5月24日", date(2019, 5, 24)),
    ("2019년 5월 24일", date(2019, 5, 24)),
    ("24 tháng 5, 2019", date(2019, 5, 24)),
    ("24 พฤษภาคม 2019", date(2019, 5, 24)),
    ("24 พ.ค. 2019", date(2019, 5, 24)),
    ("24 मई 2019", date(2019, 5, 24)),
    ("२४ मई २०१९", date(2019, 5, 24)),
    ("24 জানুয়ারি, 2019", date(2019, 1, 24)),
    ("2019 දුරුතු 24", date(2019, 1, 24)),
    ("2019 ж. 24 мамыр", date(2019, 5, 24)),
    ("24 Januari 2019", date(2019, 1, 24)),
    ("24 Ene 2019", date(2019, 1, 24)),
    # Numbers only.
    ("2023-04-12", date(2023, 4, 12)),
    ("2023-04-12T14:03:11Z", date(2023, 4, 12)),
    ("24.05.2019", date(2019, 5, 24)),
    ("24/05/2019", date(2019, 5, 24)),
    ("5/24/2019", date(2019, 5, 24)),
    ("2019. 5. 24.", date(2019, 5, 24)),
    ("2019/05/24", date(2019, 5, 24)),
    ("24\u200f/05\u200f/2019", date(2019, 5, 24)),
]


@pytest.mark.parametrize(("text", "expected"), SHOWN_DATES)
def test_parse_shown_date(text: str, expected: date) -> None:
    assert parse_shown_date(text) == expected


@pytest.mark.parametrize(("text", "expected"), SHOWN_DATES)
def test_parse_shown_date_ignores_a_page_language_that_does_not_fit(
    text: str, expected: date
) -> None:
    """A page with data-lang="en" can show "16 мая 2018 г."; lang must not get in the way."""
    assert parse_shown_date(text, "en") == expected
    assert parse_shown_date(text, "ja-JP") == expected


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        # "listopad" is November in Polish and Czech, October in Croatian.
        ("12 listopada 2020", None, date(2020, 11, 12)),
        ("12 listopada 2020", "pl", date(2020, 11, 12)),
        ("12. listopada 2020.", "hr", date(2020, 10, 12)),
        ("12. listopada 2020.", "hr-HR", date(2020, 10, 12)),
        ("12 listopad 2020", "cs_CZ", date(2020, 11, 12)),
        # "lipiec"/"lip" is July in Polish, "lipanj"/"lip" June in Croatian.
        ("1. lip 2019.", "hr", date(2019, 6, 1)),
        ("1 lip 2019", "pl", date(2019, 7, 1)),
        # Numbers with slashes follow the language's habit when both could be the month.
        ("05/06/2019", "en", date(2019, 5, 6)),
        ("05/06/2019", "en-GB", date(2019, 5, 6)),  # the hint is the language only
        ("05/06/2019", "fr", date(2019, 6, 5)),
        ("05/06/2019", None, date(2019, 6, 5)),
        ("05.06.2019", "en", date(2019, 6, 5)),  # dots are never month first
        ("13/06/2019", "en", date(2019, 6, 13)),  # 13 can only be the day
    ],
)
def test_parse_shown_date_uses_lang_only_to_break_ties(
    text: str, lang: str | None, expected: date
) -> None:
    assert parse_shown_date(text, lang) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "Tweet may have been deleted (opens in a new tab)",
        "April 2023",  # no day
        "April 12",  # no year
        "12 April 1999",  # before Twitter
        "12 April 2562",  # a Buddhist-era year, not a Gregorian one
        "February 30, 2020",
        "31 April 2021",
        "12 34 2019",
        "12 04 2023",  # bare numbers need a separator or words between them
        "1-2/2019",  # two different separators
        "Call 0800 858 531",
        "— Shay Friedman (@ironshay)",
        "(@user) 2019",
        "May: 12, 2019",  # a colon does not sit inside dates
        "12 April, “2023”",
        "#2019 la tenpo mun #5 la suno #24",
        "2019",
        "12:41",
        "1234567890123",
        "x" * 1000,
    ],
)
def test_parse_shown_date_rejects_what_is_no_date(text: str) -> None:
    assert parse_shown_date(text) is None


def test_parse_shown_date_rejects_non_text() -> None:
    assert parse_shown_date(None) is None  # type: ignore[arg-type]


@pytest.mark.parametrize("text", ["(" * 10_000, "@" * 100_000], ids=["parens", "at-signs"])
def test_parse_shown_date_does_not_backtrack(text: str) -> None:
    start = time.perf_counter()
    assert parse_shown_date(text) is None
    assert parse_shown_date(text + " 12 April 2023") == date(2023, 4, 12)
    assert time.perf_counter() - start < 0.1


@pytest.mark.parametrize(
    "text",
    [
        "1" * 100_000,
        "2019 " * 10_000,
        "12 " * 20_000,
        "de " * 20_000,
        "a." * 50_000,
        "a'" * 50_000,
        "1:1:" * 25_000,
        "okwaikumi na " * 5_000,
        "كانون " * 10_000,
        "12 de 2019 " * 5_000,
    ],
    ids=lambda text: f"{text[:6]!r}x{len(text)}",
)
def test_parse_shown_date_stays_linear_on_hostile_input(text: str) -> None:
    # About 50 KB each; real date texts and credit lines are a few dozen characters.
    start = time.perf_counter()
    parse_shown_date(text)
    parse_shown_date(text + " 12 April 2023")
    assert time.perf_counter() - start < 1.0


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80), st.sampled_from([None, "en", "hr", "ar", "x-unknown"]))
def test_parse_shown_date_never_raises(text: str, lang: str | None) -> None:
    shown = parse_shown_date(text, lang)
    assert shown is None or MIN_YEAR <= shown.year <= MAX_YEAR


@settings(max_examples=300, deadline=None)
@given(
    st.dates(date(MIN_YEAR, 1, 1), date(MAX_YEAR, 12, 31)),
    st.sampled_from(
        ["{d:%B} {d.day}, {d:%Y}", "{d:%b} {d.day}, {d:%Y}", "{d.day} {d:%B %Y}", "{d:%Y-%m-%d}"]
    ),
    st.sampled_from(["", "— Name (@handle) ", "3:04 PM - "]),
)
def test_parse_shown_date_reads_english_dates(day: date, pattern: str, prefix: str) -> None:
    assert parse_shown_date(prefix + pattern.format(d=day)) == day


def test_parse_shown_date_takes_the_last_date() -> None:
    text = "— A (@a) 1 January 2020 " + "word " * 10_000 + "12 April 2023"
    assert parse_shown_date(text) == date(2023, 4, 12)


# --- parse_shown_date on the real corpus ---------------------------------------------------

# The date links in the corpus that show no date, and why.
NOT_DATES = {
    "": "link-only stub: the page relies on widgets.js to fill the embed in",
    "Tweet may have been deleted (opens in a new tab)": "placeholder of a deleted tweet",
}
_STATUS = re.compile(r"/status(?:es)?/(\d+)")
_TWEET_BLOCKQUOTE = (
    '//blockquote[contains(concat(" ", normalize-space(@class), " "), " twitter-tweet ")]'
)
_JSON_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})|\\(.)", re.S)


def _unescape(blob: str) -> str:
    """Markup that a page keeps as a JSON string (in a script or an attribute), as markup."""

    def one(match: re.Match[str]) -> str:
        if match[1]:
            return chr(int(match[1], 16))
        return {"n": "\n", "t": "\t"}.get(match[2], match[2])

    # \ud83d\ude00 comes out as two surrogates; utf-16 with surrogatepass joins them.
    text = _JSON_ESCAPE.sub(one, blob)
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def _date_links(markup: str, depth: int = 0) -> Iterator[tuple[str, str]]:
    """(status id, shown text) of the last link of every blockquote.twitter-tweet.

    Embeds kept as text (inside <textarea>, JSON in a script, an attribute) are read too.
    """
    doc = lxml.html.fromstring(markup)
    for quote in doc.xpath(_TWEET_BLOCKQUOTE):
        links = quote.xpath(".//a")
        match = _STATUS.search(links[-1].get("href") or "") if links else None
        if match:
            yield match[1], " ".join(links[-1].text_content().split())
    if depth < 2:
        for blob in doc.xpath("//textarea/text() | //script/text() | //@*"):
            if "twitter-tweet" in blob and "<" in (text := _unescape(blob)):
                yield from _date_links(text, depth + 1)


def _corpus_files() -> list[Path]:
    return sorted(
        path
        for path in (shared() / "corpus").rglob("*")
        if path.is_file() and path.suffix in {".html", ".md", ".mdx", ".txt", ".js"}
    )


def test_every_date_link_in_the_corpus_matches_its_status_id() -> None:
    checked, failures = 0, []
    for path in _corpus_files():
        markup = path.read_text(encoding="utf-8", errors="replace")
        for tweet_id, text in set(_date_links(markup)):
            shown = parse_shown_date(text)
            created = snowflake_time(tweet_id)
            assert created is not None, (path.name, tweet_id)
            if text in NOT_DATES:
                assert shown is None, (path.name, text, NOT_DATES[text])
                continue
            checked += 1
            if shown is None or not consistent(shown, created):
                failures.append((path.name, tweet_id, text, shown, iso_z(created)))
    assert not failures
    # About 170 date links in 50 files: English, German and Spanish, some JSON- or
    # entity-escaped in scripts, attributes and <textarea>.
    assert checked >= 150


def test_every_data_datetime_in_the_corpus_matches_its_status_id() -> None:
    checked = 0
    for path in _corpus_files():
        doc = lxml.html.fromstring(path.read_text(encoding="utf-8", errors="replace"))
        for link in doc.xpath("//a[@data-datetime]"):
            match = _STATUS.search(link.get("href") or "")
            if not match:
                continue
            created = snowflake_time(match[1])
            assert created is not None
            attr = parse_datetime_attr(link.get("data-datetime"))
            assert attr == created.replace(microsecond=0), (path.name, link.get("data-datetime"))
            # The old widget shows "10:43 AM - 19 Feb 2016" there.
            assert consistent(parse_shown_date(link.text_content()), created), path.name
            checked += 1
    assert checked >= 4


def _expected_tweets() -> Iterator[tuple[str, dict[str, str]]]:
    expected = shared() / "corpus-text" / "expected.json"
    for name, tweets in json.loads(expected.read_text(encoding="utf-8")).items():
        for tweet in tweets:
            yield name, tweet


def test_every_expected_date_text_matches_its_status_id() -> None:
    failures = []
    count = 0
    for name, tweet in _expected_tweets():
        count += 1
        shown = parse_shown_date(tweet["date_text"])
        created = snowflake_time(tweet["id"])
        if created is None or shown is None or not consistent(shown, created):
            failures.append((name, tweet["id"], tweet["date_text"], shown, created))
    assert not failures
    assert count >= 50


def test_every_credit_line_in_the_text_copies_matches_its_status_id() -> None:
    """The credit line of a flattened embed ("— Name (@handle) Date") parses whole.

    Where the text copy wrapped the date onto the next line, that line is read along.
    """
    failures = []
    for name, tweet in _expected_tweets():
        lines = (shared() / "corpus-text" / name).read_text(encoding="utf-8").splitlines()
        credits = []
        for number, line in enumerate(lines):
            if f"(@{tweet['handle']})" in line:
                following = lines[number + 1] if number + 1 < len(lines) else ""
                credits.append(line if tweet["date_text"] in line else f"{line}\n{following}")
        # A handle can be credited twice in one article; the date text tells which is which.
        credits = [credit for credit in credits if tweet["date_text"] in credit]
        assert credits, (name, tweet["handle"], tweet["date_text"])
        created = snowflake_time(tweet["id"])
        for credit in credits:
            shown = parse_shown_date(credit)
            if shown is None or not consistent(shown, created):
                failures.append((name, credit, shown, created))
    assert not failures


# --- CLDR's own dates, and the generated index ---------------------------------------------

# Locales whose CLDR dates the parser cannot read, and why (checked, so none gets worse).
CLDR_UNREADABLE = {
    "blo": "numbered month abbreviations glued to their number ('ɖu5 24/2019')",
    "ckb": "long dates inflect the two-word month name ('تشرینی یەکەمی')",
    "fur": "'dal' in '24 di Mai dal 2019' is a month name elsewhere and wins the tie",
    "mic": "no month names in CLDR: 'M01 24, 2019'",
    "mn": "genitive two-word month names ('нэгдүгээр сарын') differ from the names",
    "sa": "medium dates put a colon after the month ('24 जनवरी: 2019')",
    "syr": "dates prefix the two-word month name ('ܒܟܢܘܢ ܐܚܪܝܐ')",
    "tok": "Toki Pona numbers months: 'tenpo mun #1'",
    "yo": "medium dates are bare numbers separated by spaces ('24 01 2019')",
}
# The languages of Twitter's interface; their dates must all read without any hint.
TWITTER_LOCALES = [
    "af",
    "am",
    "ar",
    "be",
    "bg",
    "bn",
    "ca",
    "cs",
    "cy",
    "da",
    "de",
    "el",
    "en",
    "en_GB",
    "es",
    "et",
    "eu",
    "fa",
    "fi",
    "fil",
    "fr",
    "ga",
    "gl",
    "gu",
    "he",
    "hi",
    "hr",
    "hu",
    "hy",
    "id",
    "is",
    "it",
    "ja",
    "ka",
    "kk",
    "km",
    "kn",
    "ko",
    "lo",
    "lt",
    "lv",
    "mk",
    "ml",
    "mr",
    "ms",
    "my",
    "nb",
    "nl",
    "pa",
    "pl",
    "pt",
    "pt_PT",
    "ro",
    "ru",
    "si",
    "sk",
    "sl",
    "sq",
    "sr",
    "sr_Latn",
    "sv",
    "sw",
    "ta",
    "te",
    "th",
    "tr",
    "uk",
    "ur",
    "uz",
    "vi",
    "zh",
    "zh_Hant",
    "zu",
]
# Month names these share with another language, so they need the page's lang.
NEEDS_LANG = {"hr", "eu"}


def _babel() -> ModuleType:
    babel = pytest.importorskip("babel", reason="Babel (a test extra) checks CLDR's dates")
    return babel


def test_cldr_dates_of_twitter_languages_read_without_a_hint() -> None:
    _babel()
    from babel.dates import format_date

    failures = []
    for locale in TWITTER_LOCALES:
        lang = locale.split("_")[0]
        for month in range(1, 13):
            for day in (1, 24):
                expected = date(2019, month, day)
                for style in ("long", "medium"):
                    text = format_date(expected, style, locale=locale)
                    hint = lang if lang in NEEDS_LANG else None
                    if parse_shown_date(text, hint) != expected:
                        failures.append((locale, style, text, parse_shown_date(text, hint)))
    assert not failures


def test_cldr_dates_of_every_locale_read_with_the_page_language() -> None:
    _babel()
    from babel import Locale, localedata
    from babel.dates import format_date

    unreadable: dict[str, str] = {}
    for identifier in sorted(localedata.locale_identifiers()):
        if identifier == "root":
            continue
        locale = Locale.parse(identifier)
        for month in range(1, 13):
            expected = date(2019, month, 24)
            for style in ("long", "medium"):
                text = format_date(expected, style, locale=locale)
                if parse_shown_date(text, locale.language) != expected:
                    unreadable.setdefault(locale.language, text)
    assert set(unreadable) <= set(CLDR_UNREADABLE), unreadable


def _build_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "build_month_index", ROOT / "scripts" / "build_month_index.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_months_json_is_what_the_script_generates() -> None:
    babel = _babel()
    committed = MONTHS_JSON.read_bytes()
    built_with = json.loads(committed)["babel"]
    if babel.__version__ != built_with:
        pytest.skip(f"months.json is from Babel {built_with}, {babel.__version__} is installed")
    script = _build_script()
    assert script.render(script.build_index()) == committed


def test_months_json_is_small_sorted_and_sane() -> None:
    raw = MONTHS_JSON.read_bytes()
    assert len(raw) < 300_000
    data = json.loads(raw)
    assert list(data) == sorted(data)
    names = list(data["months"])
    assert names == sorted(names)
    for name, entry in data["months"].items():
        assert name == name.strip() and not name.endswith(".")
        months = [entry] if isinstance(entry, int) else [int(m) for m in entry]
        assert all(1 <= m <= 12 for m in months), name
    assert data["months"]["мая"] == 5
    assert data["months"]["października"] == 10
    assert data["months"]["μαΐου"] == 5
