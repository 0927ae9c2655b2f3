"""Generate archiver/data/months.json, the month names of every CLDR locale, from Babel.

Run after upgrading Babel (the only place it is used):

    .venv/bin/python scripts/build_month_index.py

For each locale it gathers the wide and abbreviated month names in the format context
(genitives such as "мая", "października") and the stand-alone one, plus the words of the
locale's long and medium formatted dates (which show the forms dates really use, such as
Hebrew "במאי" or Basque "maiatzaren"). Everything is split into words with
``archiver.dates.date_words``, the tokenizer the parser uses. In each locale, a word is indexed
for a month when it belongs to that month's names and no other's, so words every month shares
("de", "tháng", "月") drop out by themselves; a whole name is indexed when no other month has
it, which keeps names whose every word is shared (Iraqi Arabic "كانون الأول", "تشرين الأول").

The file maps each name to its month number or, when languages disagree ("listopad" is
November in Polish, October in Croatian), to ``{month: [languages]}``. It also lists the long
words that dates have between their parts ("fillers") and the languages whose numeric dates
put the month first. Keys are sorted and there is one name per line, so regenerating with the
same Babel gives identical bytes and an upgrade diffs readably.
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from datetime import date
from pathlib import Path

import babel
from babel import Locale, localedata
from babel.dates import format_date

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from archiver.dates import MAX_FILLER_LEN, date_words  # noqa: E402  (needs ROOT on sys.path)

OUTPUT = ROOT / "archiver" / "data" / "months.json"
# Any day works for formatting; 24 is not a month number, so it cannot be taken for one.
_SAMPLE_DAY = 24
_SAMPLE_YEAR = 2019


def _month_words(locale: Locale) -> tuple[dict[int, set[str]], dict[int, set[str]]]:
    """Per month of ``locale``: the words of its names and dates, and its whole names."""
    words: dict[int, set[str]] = defaultdict(set)
    names: dict[int, set[str]] = defaultdict(set)
    for context in ("format", "stand-alone"):
        for width in ("wide", "abbreviated"):
            for month, name in locale.months[context][width].items():
                split = date_words(name)
                words[month].update(split)
                if split:
                    names[month].add(" ".join(split))
    for month in range(1, 13):
        day = date(_SAMPLE_YEAR, month, _SAMPLE_DAY)
        for style in ("long", "medium"):
            words[month].update(date_words(format_date(day, style, locale=locale)))
    return words, names


def _others(by_month: dict[int, set[str]], month: int) -> set[str]:
    """Everything the months other than ``month`` have."""
    return set().union(*(found for m, found in by_month.items() if m != month))


def _month_first(locale: Locale) -> bool:
    """Whether the locale's short numeric date reads month, day, year ("4/12/23")."""
    pattern = locale.date_formats["short"].pattern
    positions = [pattern.find(field) for field in "Mdy"]
    return -1 not in positions and positions == sorted(positions)


def build_index() -> dict[str, object]:
    """The content of months.json, computed from the installed Babel."""
    langs_by_name: dict[str, dict[int, set[str]]] = defaultdict(lambda: defaultdict(set))
    fillers: set[str] = set()
    month_first: set[str] = set()
    for identifier in sorted(localedata.locale_identifiers()):
        if identifier == "root":
            continue
        locale = Locale.parse(identifier)
        lang = locale.language
        if identifier == lang and _month_first(locale):
            month_first.add(lang)
        words, names = _month_words(locale)
        for month in range(1, 13):
            shared = words[month] & _others(words, month)
            fillers |= shared
            unique = (words[month] - shared) | (names[month] - _others(names, month))
            for name in unique:
                langs_by_name[name][month].add(lang)

    months: dict[str, object] = {}
    for name, by_month in langs_by_name.items():
        if len(by_month) == 1:
            months[name] = next(iter(by_month))
        else:
            months[name] = {str(m): sorted(langs) for m, langs in sorted(by_month.items())}
    return {
        "babel": babel.__version__,
        # The parser takes any short word for a filler; only longer ones need listing.
        "fillers": sorted(word for word in fillers if len(word) > MAX_FILLER_LEN),
        "month_first": sorted(month_first),
        "months": months,
    }


def render(index: dict[str, object]) -> bytes:
    """The bytes of months.json: sorted keys, one month name per line, UTF-8."""

    def dump(value: object) -> str:
        return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))

    months = index["months"]
    assert isinstance(months, dict)
    head = {key: value for key, value in index.items() if key != "months"}
    entries = ",\n".join(f"{dump(name)}:{dump(months[name])}" for name in sorted(months))
    return f'{dump(head)[:-1]},"months":{{\n{entries}\n}}}}\n'.encode()


def main() -> None:
    """Write months.json next to the parser."""
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    data = render(build_index())
    OUTPUT.write_bytes(data)
    print(f"wrote {OUTPUT.relative_to(ROOT)} ({len(data):,} bytes)")


if __name__ == "__main__":
    main()
