"""archiver.entities: the twitter-text conformance suite case by case, then what articles embed.

The suite is read at run time from ../shared/twitter-text (extract.yml, tlds.yml and the weighted
length sections of validate.yml), as its README asks: its cases change over time.
"""

from __future__ import annotations

import functools
import os
import re
import time
from collections.abc import Callable, Iterable
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from archiver import _tld_data
from archiver import entities as module
from archiver.entities import Entities, Entity, extract_entities, weighted_length

SUITE = Path(__file__).parents[2] / "shared" / "twitter-text"
IN_CI = os.environ.get("CI", "").lower() == "true"

# Conformance cases answered differently on purpose, {description: reason}; they run as strict
# xfails, so a case that starts passing is noticed.
DEVIATIONS: dict[str, str] = {}

# The Unicode spaces of twitter-text (spacesGroup), which may come before a reply's "@".
SPACES = "\t\n\x0b\x0c\r \x85\xa0\u1680\u180e" + "".join(map(chr, range(0x2000, 0x200B)))
SPACES += "\u2028\u2029\u202f\u205f\u3000"


def reply(text: str) -> str | None:
    """extractReplyScreenName, which the API has no field for: the mention that opens the text.

    In twitter-text a reply is an @name with nothing but spaces before it; it is then also the
    first mention, so the suite's replies section checks where mentions may start.
    """
    mentions = extract_entities(text).mentions
    if mentions and all(c in SPACES for c in text[: mentions[0].start]):
        return mentions[0].value
    return None


def indexed(key: str, entities: Iterable[Entity]) -> list[dict[str, object]]:
    return [{key: e.value, "indices": [e.start, e.end]} for e in entities]


# What each suite section calls, answered through the public API, in the suite's shape.
EXTRACT: dict[str, Callable[[str], object]] = {
    "mentions": lambda t: [e.value for e in extract_entities(t).mentions],
    "mentions_with_indices": lambda t: indexed("screen_name", extract_entities(t).mentions),
    "mentions_or_lists_with_indices": lambda t: [
        {"screen_name": e.value, "list_slug": e.list_slug, "indices": [e.start, e.end]}
        for e in extract_entities(t).mentions
    ],
    "replies": reply,
    "urls": lambda t: [e.value for e in extract_entities(t).urls],
    "urls_with_indices": lambda t: indexed("url", extract_entities(t).urls),
    "urls_with_directional_markers": lambda t: indexed("url", extract_entities(t).urls),
    "tco_urls_with_params": lambda t: [e.value for e in extract_entities(t).urls],
    "hashtags": lambda t: [e.value for e in extract_entities(t).hashtags],
    "hashtags_from_astral": lambda t: [e.value for e in extract_entities(t).hashtags],
    "hashtags_with_indices": lambda t: indexed("hashtag", extract_entities(t).hashtags),
    "cashtags": lambda t: [e.value for e in extract_entities(t).cashtags],
    "cashtags_with_indices": lambda t: indexed("cashtag", extract_entities(t).cashtags),
}
TLDS = ("country", "generic")
# WeightedTweetsCounterTest runs config v2, without emoji parsing; its cases run too, except
# those whose text the v3 section counts otherwise (in v2 each emoji code point weighs apart).
V3_WEIGHTED = "WeightedTweetsWithDiscountedEmojiCounterTest"
V2_WEIGHTED = "WeightedTweetsCounterTest"
WEIGHTED = (V3_WEIGHTED, "UnicodeDirectionalMarkerCounterTest", V2_WEIGHTED)


def load(name: str) -> dict[str, list[dict[str, Any]]]:
    return yaml.safe_load((SUITE / name).read_text(encoding="utf-8"))["tests"]


def cases(name: str, sections: Iterable[str]) -> list[Any]:
    """One pytest parameter (section, case) per case of the suite file's sections."""
    if not SUITE.is_dir():
        # Under CI the lone parameter runs, and fails in need_suite().
        reason = f"the twitter-text conformance suite is not at {SUITE}"
        return [
            pytest.param(
                None, None, id="suite-missing", marks=pytest.mark.skipif(not IN_CI, reason=reason)
            )
        ]
    tests = load(name)
    v3 = {case["text"]: case["expected"] for case in tests.get(V3_WEIGHTED, [])}
    v2_only = {
        case["description"]
        for case in tests.get(V2_WEIGHTED, [])
        if v3.get(case["text"], case["expected"])["weightedLength"]
        != case["expected"]["weightedLength"]
    }
    params = []
    for section in sections:
        for case in tests[section]:
            marks: list[pytest.MarkDecorator] = []
            if case["description"] in DEVIATIONS:
                reason = DEVIATIONS[case["description"]]
                marks.append(pytest.mark.xfail(reason=reason, strict=True))
            if section == V2_WEIGHTED and case["description"] in v2_only:
                marks.append(pytest.mark.skip(reason=f"config v2 only; {V3_WEIGHTED} has it"))
            params.append(
                pytest.param(section, case, id=f"{section}: {case['description']}", marks=marks)
            )
    return params


def need_suite(case: object) -> None:
    if case is None:
        pytest.fail(f"CI=true but the twitter-text conformance suite is not at {SUITE}")


@pytest.mark.parametrize(("section", "case"), cases("extract.yml", EXTRACT))
def test_extract_conformance(section: str, case: dict[str, Any]) -> None:
    need_suite(case)
    assert EXTRACT[section](case["text"]) == case["expected"]


@pytest.mark.parametrize(("section", "case"), cases("tlds.yml", TLDS))
def test_tld_conformance(section: str, case: dict[str, Any]) -> None:
    need_suite(case)
    assert [e.value for e in extract_entities(case["text"]).urls] == case["expected"]


@pytest.mark.parametrize(("section", "case"), cases("validate.yml", WEIGHTED))
def test_weighted_length_conformance(section: str, case: dict[str, Any]) -> None:
    need_suite(case)
    assert weighted_length(case["text"]) == case["expected"]["weightedLength"]


# --- Embeds seen in articles ----------------------------------------------------------------


def values(entities: Iterable[Entity]) -> list[str]:
    return [e.value for e in entities]


def test_mention_before_a_period() -> None:
    assert extract_entities("@carol.").mentions == (Entity("carol", 0, 6),)


def test_mentions_glued_by_a_period_and_a_picture_link() -> None:
    text = "@BelisleFrance.@corim_mcfr #CORIM #polmtl pic.twitter.com/fic7j4aKUV"
    found = extract_entities(text)
    assert values(found.mentions) == ["BelisleFrance", "corim_mcfr"]
    assert values(found.hashtags) == ["CORIM", "polmtl"]
    assert values(found.urls) == ["pic.twitter.com/fic7j4aKUV"]
    assert [text[e.start : e.end] for e in found.mentions] == ["@BelisleFrance", "@corim_mcfr"]


def test_entities_of_every_kind_with_their_spans() -> None:
    text = "RT @jack: $AAPL monte ＃ｈａｓｈ #café https://t.co/AbC123 ＠dorsey/team."
    assert extract_entities(text) == Entities(
        mentions=(Entity("jack", 3, 8), Entity("dorsey", 54, 66, "/team")),
        hashtags=(Entity("ｈａｓｈ", 22, 27), Entity("café", 28, 33)),
        cashtags=(Entity("AAPL", 10, 15),),
        urls=(Entity("https://t.co/AbC123", 34, 53),),
    )


def test_no_mention_or_hashtag_inside_a_url() -> None:
    found = extract_entities("see https://example.com/@user/#tag and @user #tag")
    assert [(e.value, e.start) for e in found.mentions] == [("user", 39)]
    assert [(e.value, e.start) for e in found.hashtags] == [("tag", 45)]
    assert values(found.urls) == ["https://example.com/@user/#tag"]


def test_nothing_in_plain_text() -> None:
    assert extract_entities("") == Entities((), (), (), ())
    assert extract_entities("Une phrase sans rien, ni lien. Fin.") == Entities((), (), (), ())


def test_french_tweet_counts_its_link_as_23() -> None:
    words = "Réforme des retraites : le Conseil constitutionnel rendra sa décision vendredi "
    assert weighted_length(words + "https://t.co/4bZqX9Lk2W") == len(words) + 23
    long_link = (
        "https://www.lemonde.fr/politique/article/2023/04/14/retraites-la-decision_6169.html"
    )
    assert weighted_length(f"« {long_link} »") == 4 + 23


def test_cjk_counts_two_per_character() -> None:
    assert weighted_length("日本語のツイートです") == 20
    assert weighted_length("한국어 트윗") == 2 * 5 + 1


@pytest.mark.parametrize(
    ("emoji", "length"),
    [
        ("👩\u200d💻", 2),  # ZWJ sequence
        ("👨\u200d👩\u200d👧\u200d👦", 2),
        ("🏳\ufe0f\u200d🌈", 2),
        ("🏳\u200d🌈", 2),  # minimally qualified
        ("👩🏽\u200d🤝\u200d👩🏻", 2),
        ("👍🏽", 2),  # skin tone
        ("✌\ufe0f🏽", 2),  # as twemoji reads it
        ("🇫🇷", 2),  # flag
        ("🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f", 2),  # Scotland
        ("1\ufe0f\u20e3", 2),  # keycap
        ("❤\ufe0f", 2),  # presentation sequence
        ("❤", 2),
        ("⚽\ufe0f", 2),
        ("©", 1),  # text, unless U+FE0F follows
        ("©\ufe0f", 2),
        ("👨\u200d🐱", 5),  # no such sequence: man, joiner (1), cat
    ],
)
def test_emoji_weight(emoji: str, length: int) -> None:
    """An emoji sequence weighs 2 whatever its length; text presentation, and code points that
    form no sequence, weigh apart."""
    assert weighted_length(emoji) == length
    assert weighted_length(f"a{emoji}b") == length + 2


def test_weighted_length_measures_nfc() -> None:
    assert weighted_length("e\u0301") == weighted_length("é") == 1
    assert weighted_length("") == 0


# --- Robustness -----------------------------------------------------------------------------

PATHOLOGICAL = {
    "100,000 @": "@" * 100_000,
    "10,000 (": "(" * 10_000,
    "10,000 ( in a path": "http://example.com/" + "(" * 10_000,
    "100,000 #": "#" * 100_000,
    "labels without a TLD": "a." * 2_000 + "あ.com",
    "a long label chain": "a." * 20_000,
    "a long accented run": "é" * 20_000 + ".",
    "periods after a path": "http://example.com/path" + "." * 50_000,
}


@pytest.mark.parametrize("text", PATHOLOGICAL.values(), ids=PATHOLOGICAL.keys())
def test_no_catastrophic_backtracking(text: str) -> None:
    start = time.perf_counter()
    extract_entities(text)
    weighted_length(text)
    assert time.perf_counter() - start < 2.0


FRAGMENTS = [
    *"ab1é-_./:@#$&()?=!,'\"~%+* \n",
    *("ＡＢ", "あ", "。", "＠", "＃", "\u202a", "\u2066", "\ufe0f", "\u200d", "🙂", "👍🏽", "🇫🇷"),
    *("http://", "https://", "t.co/", "www.", "com", "co", "jp", "みんな", "xn--", "rt", "ÉLAN"),
    *("a" * 40, "é" * 40),
]
texts = st.lists(st.sampled_from(FRAGMENTS), max_size=20).map("".join)


@given(texts)
@settings(max_examples=300, deadline=None)
def test_entities_are_ordered_disjoint_and_as_written(text: str) -> None:
    found = extract_entities(text)
    spans = []
    for sigils, kind in (("@＠", found.mentions), ("#＃", found.hashtags), ("$", found.cashtags)):
        for entity in kind:
            assert text[entity.start] in sigils
            assert text[entity.start + 1 : entity.end] == entity.value + entity.list_slug
            spans.append((entity.start, entity.end))
    for entity in found.urls:
        assert text[entity.start : entity.end] == entity.value
        spans.append((entity.start, entity.end))
    spans.sort()
    assert all(end <= next_start for (_, end), (next_start, _) in pairwise(spans))
    assert weighted_length(text) >= 0


@functools.cache
def reference_regexes() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """twitter-text's extractUrl and validAsciiDomain as written: validDomain and the TLD lists
    in their order, which the module replaces with a linear-time matcher and a trie."""
    char = module._DOMAIN_CHARS
    subdomain = rf"(?:(?:{char}(?:[_-]|{char})*)?{char}\.)"
    domain_name = rf"(?:(?:{char}(?:-|{char})*)?{char}\.)"
    tld = "|".join(
        rf"(?:(?:{'|'.join(map(re.escape, tlds.split()))})(?=[^0-9a-zA-Z@+-]|$))"
        for tlds in (_tld_data.GENERIC, _tld_data.COUNTRY)
    )
    tld += r"|(?:xn--[\-0-9a-z]+)"
    preceding = r"(?:[^A-Za-z0-9@＠$#＃\ufffe\ufeff\uffff]|^)"
    extract_url = re.compile(
        rf"({preceding})((https?://)?({subdomain}*{domain_name}(?:{tld}))(?::[0-9]+)?"
        rf"(/{module._PATH}*)?(?:\?{module._QUERY})?)",
        re.IGNORECASE,
    )
    ascii_domain = rf"(?:[\-a-z0-9{module._LATIN_ACCENTS}]+\.)+(?:{tld})"
    return extract_url, re.compile(ascii_domain, re.IGNORECASE)


def reference_urls(text: str) -> list[tuple[str, int, int]]:
    """extractUrlsWithIndices over the reference regexes (slow on adversarial input)."""
    extract_url, ascii_domain = reference_regexes()
    urls: list[tuple[str, int, int]] = []
    for match in extract_url.finditer(text) if "." in text else ():
        before, protocol, domain = match.group(1), match.group(3), match.group(4)
        start = match.start(2)
        if (
            len(protocol or "https://") + match.end() - start > 4096
            or not all(1 <= module._punycode_length(x) <= 63 for x in domain.split("."))
            or (domain.startswith("xn--") and not ascii_domain.search(domain))
        ):
            continue
        if protocol:
            tco = re.match(
                rf"https?://t\.co/([a-z0-9]+)(?:\?{module._QUERY})?", match.group(2), re.I
            )
            if tco and len(tco.group(1)) > 40:
                continue
            end = start + len(tco.group()) if tco else match.end()
            urls.append((text[start:end], start, end))
        elif not (before and before in "-_./"):
            found = [(start + m.start(), start + m.end()) for m in ascii_domain.finditer(domain)]
            if found and match.group(5):
                found[-1] = (found[-1][0], match.end())
            urls += [(text[a:b], a, b) for a, b in found]
    return urls


@given(texts)
@settings(max_examples=300, deadline=None)
def test_urls_match_the_reference_regex(text: str) -> None:
    # Texts without @, # or $ keep every URL (no other entity to overlap it).
    text = re.sub("[@＠#＃$]", " ", text)
    assert [(e.value, e.start, e.end) for e in extract_entities(text).urls] == reference_urls(text)
