"""Entities and weighted length of tweet text, as twitter-text v3 computes them.

A pure-Python implementation of twitter-text 3 (the rules and regular expressions of its
JavaScript library), checked case by case against its conformance suite:

- :func:`extract_entities` finds the @mentions (and @user/list mentions), #hashtags, $cashtags
  and URLs of a text, as ``extractEntitiesWithIndices`` does: an entity that overlaps one that
  starts earlier is dropped, so an @ or # inside a URL is not an entity of its own.
- :func:`weighted_length` is ``parseTweet(text).weightedLength`` with configuration v3: a code
  point weighs 2, except 1 in U+0000..U+10FF and three ranges of punctuation; a URL weighs 23
  whatever its length; an emoji sequence (with its skin tones, joiners, flags' letters) weighs 2.

Indices are Python string indices (code points) into the text as given: ``text[start:end]`` is
the entity as written, sigil included.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from archiver import _emoji_data, _tld_data

__all__ = ["Entities", "Entity", "extract_entities", "weighted_length"]


@dataclass(frozen=True)
class Entity:
    """One entity of a text: its value without sigil and where it stands.

    ``value`` is "jack" for @jack, "tag" for #tag, "AAPL" for $AAPL and the URL as written for a
    URL. For a list mention (@jack/friends) ``value`` is the screen name, ``list_slug`` is
    "/friends" and the indices span the whole "@jack/friends", as in twitter-text.
    """

    value: str
    start: int
    end: int
    list_slug: str = ""


@dataclass(frozen=True)
class Entities:
    """The entities of a text, each kind in text order."""

    mentions: tuple[Entity, ...]
    hashtags: tuple[Entity, ...]
    cashtags: tuple[Entity, ...]
    urls: tuple[Entity, ...]


def extract_entities(text: str) -> Entities:
    """Mentions, hashtags, cashtags and URLs of ``text``, as twitter-text's
    extractEntitiesWithIndices finds them."""
    found = {
        "urls": _urls(text),
        "mentions": _mentions(text),
        "hashtags": _hashtags(text),
        "cashtags": _cashtags(text),
    }
    # removeOverlappingEntities: by start (ties keep the order above, as the stable sort of the
    # reference does), an entity starting inside the previous kept one is dropped.
    ordered = sorted(
        ((entity, kind) for kind, entities in found.items() for entity in entities),
        key=lambda pair: pair[0].start,
    )
    kept: dict[str, list[Entity]] = {kind: [] for kind in found}
    previous_end = -1
    for entity, kind in ordered:
        if entity.start >= previous_end:
            kept[kind].append(entity)
            previous_end = entity.end
    return Entities(
        mentions=tuple(kept["mentions"]),
        hashtags=tuple(kept["hashtags"]),
        cashtags=tuple(kept["cashtags"]),
        urls=tuple(kept["urls"]),
    )


# --- Character sets, as twitter-text defines them -------------------------------------------

# spacesGroup: the Unicode spaces.
_SPACES = r"\t-\r \x85\xa0\u1680\u180e\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
# invalidCharsGroup: code points a tweet may not contain.
_INVALID = r"\ufffe\ufeff\uffff"
# directionalMarkersGroup: bidirectional formatting marks.
_DIRECTIONAL = r"\u202a-\u202e\u061c\u200e\u200f\u2066-\u2069"
# punct, less "-" and "_" (listed apart: domain labels may hold them). The reference's list has
# neither '"' nor '`', which therefore count as domain characters and never end a cashtag.
_PUNCT = r"!'#%&()*+,\\./:;<=>?@\[\]^{|}~$"
# latinAccentChars and cyrillicLettersAndMarks.
_LATIN_ACCENTS = (
    r"\xc0-\xd6\xd8-\xf6\xf8-\xff\u0100-\u024f\u0253\u0254\u0256\u0257\u0259\u025b\u0263"
    r"\u0268\u026f\u0272\u0289\u028b\u02bb\u0300-\u036f\u1e00-\u1eff"
)
_CYRILLIC = r"\u0400-\u04ff"
# JavaScript's \s, which the cashtag rule uses (Python's \s differs in \x1c-\x1f, \x85, \ufeff).
_JS_SPACE = r"\t-\r \xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"


# --- Regular expressions built from data tables ---------------------------------------------


def _trie_pattern(sequences: Iterable[Iterable[str]]) -> str:
    """A pattern matching any of the sequences of regex fragments, the longest it can.

    An alternation of 1,500 top-level domains or emoji sequences is tried one alternative after
    the other at every position; the same set as a trie is tried one fragment at a time.
    """
    root: dict[str, dict] = {}
    for sequence in sequences:
        node = root
        for fragment in sequence:
            node = node.setdefault(fragment, {})
        node[""] = {}  # a sequence may end here
    return _node_pattern(root)


def _node_pattern(node: dict[str, dict]) -> str:
    """The pattern of one trie node: its branches, optional where a sequence may end."""
    branches = [fragment + _node_pattern(child) for fragment, child in node.items() if fragment]
    if not branches:
        return ""
    pattern = branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"
    # Greedy, so a longer sequence wins over the one it extends.
    return f"(?:{pattern})?" if "" in node else pattern


def _code_points(spec: str) -> set[int]:
    """The code points of a data table: hex code points and inclusive ranges ("23E9-23EC")."""
    code_points: set[int] = set()
    for item in spec.split():
        first, _, last = item.partition("-")
        code_points.update(range(int(first, 16), int(last or first, 16) + 1))
    return code_points


def _char_class(code_points: set[int]) -> str:
    """A character class matching exactly ``code_points``."""
    runs: list[list[int]] = []
    for cp in sorted(code_points):
        if runs and runs[-1][1] == cp - 1:
            runs[-1][1] = cp
        else:
            runs.append([cp, cp])
    body = "".join(
        re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in runs
    )
    return f"[{body}]"


# --- URLs (extractUrlsWithIndices) ----------------------------------------------------------

_DOMAIN_CHARS = rf"[^{_PUNCT}\-_{_SPACES}{_INVALID}{_DIRECTIONAL}]"
_DOMAIN_CHAR = re.compile(_DOMAIN_CHARS)
# Domain characters, "-" and "_": the stuff of domain labels, which dots separate.
_LABEL_CHARS = rf"[^{_PUNCT}{_SPACES}{_INVALID}{_DIRECTIONAL}]"
_LABEL_RUN = re.compile(rf"{_LABEL_CHARS}+")
# Where a URL may start: at a protocol, or at a label that a dot ends. Most words fail fast
# here, in C. (A label longer than 63 characters is left to the full match, which consumes it
# before finding it invalid.)
_URL_START = rf"(?i:https?://)|{_DOMAIN_CHARS}(?:{_LABEL_CHARS}{{0,62}}\.|{_LABEL_CHARS}{{63}})"
_URL_AT_START = re.compile(_URL_START)
# A character of validUrlPrecedingChars, then a URL start. (The third alternative of
# validUrlPrecedingChars, the directional marks, adds nothing since twitter-text 3.1 took them
# out of invalidCharsGroup.)
_URL_CANDIDATE = re.compile(rf"[^A-Za-z0-9@＠$#＃{_INVALID}](?={_URL_START})")
_PROTOCOL = re.compile(r"https?://", re.IGNORECASE)


# A TLD must not run on into letters, digits, "@", "+" or "-" (validGTLD, validCCTLD); failing
# those lists, a punycode TLD (validPunycode). The reference tries the TLDs in list order; the
# trie tries the longest first, which is the same here, as the list puts the two TLDs that are
# followed by another TLD's letters ("嘉里" / "嘉里大酒店", "भारत" / "भारतम्") longest first.
@functools.cache
def _tld() -> re.Pattern[str]:
    """The TLD regex, compiled on first use (it takes ~50 ms; most commands never need it)."""
    return re.compile(
        _trie_pattern(
            [re.escape(c) for c in tld]
            for tld in (*_tld_data.GENERIC.split(), *_tld_data.COUNTRY.split())
        )
        + r"(?=[^0-9A-Za-z@+\-]|\Z)|xn--[\-0-9a-z]+",
        re.IGNORECASE,
    )


# validAsciiDomain (the part of a domain without protocol that counts as a URL) is these labels,
# each followed by a dot, then a TLD.
_ASCII_LABELS = re.compile(rf"(?:[\-a-z0-9{_LATIN_ACCENTS}]+\.)+", re.IGNORECASE)

_PATH_CHAR = rf"[A-Za-z{_CYRILLIC}0-9!*';:=+,.$/%#\[\]\-\u2013_~@|&{_LATIN_ACCENTS}]"
# validUrlBalancedParens: up to two nested levels, as in /wiki/Primer_(film).
_PARENS = rf"\((?:{_PATH_CHAR}+|{_PATH_CHAR}*\({_PATH_CHAR}+\){_PATH_CHAR}*)\)"
# validUrlPathEndingChars: a path does not end in ".", "," or "!" (they end the sentence).
_PATH_END = rf"[+\-A-Za-z{_CYRILLIC}0-9=_#/{_LATIN_ACCENTS}]"
# validUrlPath, one segment of a path. The JavaScript and Java libraries splice the ending
# characters' "chars|(parens)" into it ungrouped, so balanced parens alone are the second
# alternative ("/x,(b)" ends at "/x"); this follows them rather than Ruby, which groups it.
_PATH = rf"(?:{_PATH_CHAR}*(?:{_PARENS}{_PATH_CHAR}*)*{_PATH_END}|{_PARENS}|@{_PATH_CHAR}+/)"
_QUERY = r"[A-Za-z0-9!?*'@();:&=+$/%#\[\]\-_.,~|]*[A-Za-z0-9\-_&=#/]"
# What follows the domain: port, path and query, each optional.
_URL_TAIL = re.compile(rf"(?::[0-9]+)?(/{_PATH}*)?(?:\?{_QUERY})?")
# validTcoUrl: a t.co URL ends after its slug and query.
_TCO = re.compile(rf"https?://t\.co/([A-Za-z0-9]+)(?:\?{_QUERY})?", re.IGNORECASE)

_MAX_URL_LENGTH = 4096
_MAX_TCO_SLUG_LENGTH = 40
_MAX_LABEL_LENGTH = 63
_NON_ASCII = re.compile(r"[^\x00-\x7e]")
# The dots other than "." that punycode.toASCII also splits a host on.
_IDEOGRAPHIC_DOTS = re.compile("[\u3002\uff0e\uff61]")


@dataclass(frozen=True)
class _UrlMatch:
    """One match of twitter-text's extractUrl regex."""

    before: str  # the preceding character the regex consumed, "" at the start of the text
    start: int
    domain_start: int  # after the protocol, if any
    domain_end: int
    has_path: bool
    end: int


class _Domains:
    """Where twitter-text's validDomain regex, anchored at an index of one text, ends.

    validDomain is labels, each followed by a dot, then a TLD. A label is domain characters,
    with "-" and "_" inside but not at either end; the last label (the domain name) may not hold
    "_". The reference regex, tried at every position where a URL may start, rescans the same
    labels from each of them, which is quadratic on long runs of letters; this remembers the
    answer for each label start instead, so a text is matched in linear time.
    """

    def __init__(self, text: str) -> None:
        self._text = text
        self._runs: list[re.Match[str]] = []  # the runs of label characters, found on first use
        self._run_starts: list[int] = []
        self._last_underscore: dict[int, int] = {}  # run number -> index of its last "_"
        self._ends: dict[int, int | None] = {}  # start -> end of the domain there
        self._tld_ends: dict[int, int | None] = {}

    def end(self, start: int) -> int | None:
        """The end of the domain that starts at ``start``, or None if none does."""
        # The regex reads as many "label." as it can, then backs off one label at a time until a
        # domain name and a TLD follow: from a label, the domain is the one starting after its
        # dot, if any, else this label is the domain name and a TLD must follow its dot.
        labels: list[tuple[int, int, bool]] = []
        at = start
        while at not in self._ends:
            label = self._label(at)
            if label is None:
                self._ends[at] = None
                break
            labels.append(label)
            at = label[1] + 1
        end = self._ends[at]
        for label_start, label_end, has_underscore in reversed(labels):
            if end is None and not has_underscore:
                end = self._tld_end(label_end + 1)
            self._ends[label_start] = end
        return end

    def _label(self, start: int) -> tuple[int, int, bool] | None:
        """(start, end, holds "_") of the label at ``start`` if it is one followed by a dot."""
        text = self._text
        if not _DOMAIN_CHAR.match(text, start):
            return None
        if not self._runs:
            self._runs = list(_LABEL_RUN.finditer(text))
            self._run_starts = [run.start() for run in self._runs]
        number = bisect_right(self._run_starts, start) - 1
        end = self._runs[number].end()
        if end == len(text) or text[end] != "." or not _DOMAIN_CHAR.match(text, end - 1):
            return None
        if number not in self._last_underscore:
            self._last_underscore[number] = text.rfind("_", self._run_starts[number], end)
        return start, end, self._last_underscore[number] >= start

    def _tld_end(self, start: int) -> int | None:
        """The end of the TLD at ``start``, or None if none is there."""
        if start not in self._tld_ends:
            match = _tld().match(self._text, start)
            self._tld_ends[start] = match.end() if match else None
        return self._tld_ends[start]


def _url_matches(text: str) -> Iterator[_UrlMatch]:
    """The matches of the reference's global extractUrl regex over ``text``, in order."""
    domains = _Domains(text)

    def attempt(before: str, start: int) -> _UrlMatch | None:
        # Were the domain after "http://" to fail, the regex would try "http" as a label; but
        # ":" follows it, not a dot, so that fails too and is not tried here.
        protocol = _PROTOCOL.match(text, start)
        domain_start = protocol.end() if protocol else start
        domain_end = domains.end(domain_start)
        if domain_end is None:
            return None
        tail = _URL_TAIL.match(text, domain_end)
        has_path = tail.group(1) is not None
        return _UrlMatch(before, start, domain_start, domain_end, has_path, tail.end())

    # At index 0 the regex first takes text[0] as the preceding character, then tries "^".
    match = attempt(text[0], 1) if _URL_CANDIDATE.match(text) else None
    if match is None and _URL_AT_START.match(text):
        match = attempt("", 0)
    position = 1
    if match:
        yield match
        position = match.end
    while candidate := _URL_CANDIDATE.search(text, position):
        match = attempt(candidate.group(), candidate.end())
        if match:
            yield match
            position = match.end
        else:
            position = candidate.end()


def _urls(text: str) -> list[Entity]:
    """URLs of ``text`` with and without protocol (twitter-text's extractUrlsWithIndices)."""
    if "." not in text:
        return []
    urls: list[Entity] = []
    for match in _url_matches(text):
        protocol = text[match.start : match.domain_start]
        domain = text[match.domain_start : match.domain_end]
        length = len(protocol or "https://") + match.end - match.start
        if length > _MAX_URL_LENGTH or not _is_valid_host(domain):
            continue
        if protocol:
            end = match.end
            tco = _TCO.match(text, match.start, match.end)
            if tco:
                if len(tco.group(1)) > _MAX_TCO_SLUG_LENGTH:
                    continue
                end = tco.end()  # a t.co URL ends after its slug (and query)
            urls.append(Entity(text[match.start : end], match.start, end))
            continue
        if match.before and match.before in "-_./":
            continue
        # Without protocol, only the ASCII (and Latin accented) domains count, the last one with
        # the path, if any. (The reference glues that path to the domain's text even when
        # non-ASCII labels stand between them; here the value stays the text as written.)
        spans = [
            (match.domain_start + start, match.domain_start + end)
            for start, end in _ascii_domains(domain)
        ]
        if spans and match.has_path:
            spans[-1] = (spans[-1][0], match.end)
        urls += [Entity(text[start:end], start, end) for start, end in spans]
    return urls


def _ascii_domains(domain: str) -> list[tuple[int, int]]:
    """Spans of the matches of validAsciiDomain in ``domain``, as a global search finds them.

    From the start of a chain of "label.", the regex backs off one label at a time until a TLD
    follows a dot. Searched from every index, it would rescan a long chain that no TLD ends
    (quadratic); but when it fails at the chain's start, it fails anywhere in the chain (same
    labels, fewer places for the TLD), so the search goes on after the chain.
    """
    spans = []
    position = 0
    while chain := _ASCII_LABELS.search(domain, position):
        position = chain.end()
        dots = [i for i in range(chain.start(), chain.end()) if domain[i] == "."]
        for dot in reversed(dots):
            if tld := _tld().match(domain, dot + 1):
                spans.append((chain.start(), tld.end()))
                position = tld.end()
                break
    return spans


def _is_valid_host(domain: str) -> bool:
    """twitter-text's idna.toAscii check: every label is 1 to 63 characters in punycode, and a
    punycode host ("xn--") is ASCII."""
    return all(
        1 <= _punycode_length(label) <= _MAX_LABEL_LENGTH for label in domain.split(".")
    ) and not (domain.startswith("xn--") and not _ascii_domains(domain))


def _punycode_length(label: str) -> int:
    """The length of punycode.toASCII(label)."""
    if len(label) > _MAX_LABEL_LENGTH:
        return len(label)  # too long already: encoding only makes a label longer
    parts = _IDEOGRAPHIC_DOTS.split(label)
    encoded = (
        len("xn--") + len(part.encode("punycode")) if _NON_ASCII.search(part) else len(part)
        for part in parts
    )
    return sum(encoded) + len(parts) - 1  # the parts are joined with dots


# --- Mentions (extractMentionsOrListsWithIndices) -------------------------------------------

# validMentionOrList: not after a letter, digit or "_!#$%&*@" (an e-mail address, a "!@kn"
# pun), except after "RT" or "RT:" (an old-style retweet: "RT@user"); then a screen name of up to
# 20 characters and maybe a list slug.
_MENTION = re.compile(
    r"(?:^|[^A-Za-z0-9_!#$%&*@＠]|(?:^|[^A-Za-z0-9_+~.\-])(?:rt|RT|rT|Rt):?)"
    r"[@＠]([A-Za-z0-9_]{1,20})(/[A-Za-z][A-Za-z0-9_\-]{0,24})?"
)
# endMentionMatch: a name running on into "@", an accented letter or "://" is no mention.
_MENTION_END = re.compile(rf"[@＠{_LATIN_ACCENTS}]|://")


def _mentions(text: str) -> list[Entity]:
    """@mentions and @user/list mentions."""
    if "@" not in text and "＠" not in text:
        return []  # the regex would try every position
    mentions = []
    for match in _MENTION.finditer(text):
        if not _MENTION_END.match(text, match.end()):
            name, slug = match.group(1), match.group(2) or ""
            mentions.append(Entity(name, match.start(1) - 1, match.end(), slug))
    return mentions


# --- Hashtags (extractHashtagsWithIndices) --------------------------------------------------

_HASH_SIGN = re.compile("[#＃]")
# hashtagSpecialChars: joiners and marks that may stand inside a hashtag.
_HASHTAG_SPECIAL = frozenset(
    "_\u200c\u200d\ua67e\u05be\u05f3\u05f4\uff5e\u301c\u309b\u309c\u30a0\u30fb\u3003\u0f0b\u0f0c\xb7"
)
# endHashtagMatch: a hashtag running on into another sign or "://" is no hashtag.
_HASHTAG_END = re.compile("[#＃]|://")


def _is_hashtag_letter(char: str) -> bool:
    """hashtagAlpha: a letter or mark. (twitter-text has tables of an older Unicode, plus a few
    private-use code points; Python's Unicode database stands in for them.)"""
    return char.isalpha() or unicodedata.category(char)[0] == "M"


def _is_hashtag_char(char: str) -> bool:
    """hashtagAlphaNumeric: a letter, mark, decimal digit or special character."""
    return _is_hashtag_letter(char) or char.isdecimal() or char in _HASHTAG_SPECIAL


def _hashtags(text: str) -> list[Entity]:
    """#hashtags: a sign, then letters, marks, digits and joiners, at least one letter or mark.

    The reference regex (validHashtag) consumes the character before the sign, which must not be
    a hashtag character or "&" (so "x#y" and "&#39;" hold none) but may be a variation selector
    (after an emoji); a hashtag then cannot start right where the previous match ended.
    """
    hashtags = []
    resume = 0  # where the reference regex goes on after its last match
    for sign in _HASH_SIGN.finditer(text):
        start = sign.start()
        if start:
            before = text[start - 1]
            if start - 1 < resume or (
                before not in "\ufe0e\ufe0f" and (before == "&" or _is_hashtag_char(before))
            ):
                continue
        if text.startswith(("\ufe0f", "\u20e3"), start + 1):
            continue  # "#️⃣" is the keycap emoji
        end = start + 1
        has_letter = False
        while end < len(text) and _is_hashtag_char(text[end]):
            has_letter = has_letter or _is_hashtag_letter(text[end])
            end += 1
        if not has_letter:
            continue
        resume = end
        if not _HASHTAG_END.match(text, end):
            hashtags.append(Entity(text[start + 1 : end], start, end))
    return hashtags


# --- Cashtags (extractCashtagsWithIndices) --------------------------------------------------

# validCashtag: "$" after a space or at the start, 1 to 6 letters and maybe "." or "_" and 1 or 2
# letters ("$BRK.A"), then the end, a space or punctuation.
_CASHTAG = re.compile(
    rf"(?:^|[{_SPACES}])\$([A-Za-z]{{1,6}}(?:[._][A-Za-z]{{1,2}})?)"
    rf"(?=\Z|[{_JS_SPACE}]|[{_PUNCT}\-_])"
)


def _cashtags(text: str) -> list[Entity]:
    """$cashtags."""
    if "$" not in text:
        return []
    return [Entity(m.group(1), m.start(1) - 1, m.end()) for m in _CASHTAG.finditer(text)]


# --- Weighted length (parseTweet) -----------------------------------------------------------

# Configuration v3 (config/v3.json): 100 units make one character of length; a code point weighs
# 200 units, those in these ranges 100. A URL weighs transformedURLLength (23) characters, and
# with emojiParsingEnabled an emoji sequence weighs as one code point of default weight.
_SCALE = 100
_DEFAULT_WEIGHT = 200
_LIGHT_WEIGHT = 100
_LIGHT = re.compile(r"[\u0000-\u10ff\u2000-\u200d\u2010-\u201f\u2032-\u2037]+")
_URL_WEIGHT = 23 * _SCALE
_EMOJI_WEIGHT = _DEFAULT_WEIGHT

_TONE = "[\U0001f3fb-\U0001f3ff]"
# twemoji, the parser behind twitter-text v3, reads ©, ® and ™ as emoji only when U+FE0F follows:
# bare, they are common in plain text.
_TEXT_UNLESS_VS16 = {0xA9, 0xAE, 0x2122}


def _emoji_pattern() -> str:
    """One emoji sequence: ZWJ sequence, keycap, flag, modifier or presentation sequence, single.

    The alternatives go from the longest sequences to the shortest; as the regex takes the first
    that matches, "👩🏽‍💻" is one emoji, not "👩🏽" then a joiner and "💻".
    """
    data = _emoji_data
    zwj = [line.split() for line in data.ZWJ_SEQUENCES.splitlines() if line]
    flags = [[chr(0x1F1E6 + ord(c) - ord("A")) for c in region] for region in data.FLAGS.split()]
    tags = [[chr(0xE0000 + ord(c)) for c in tag] for tag in data.SUBDIVISION_FLAGS.split()]
    single = _code_points(data.SINGLE)
    text_default = _code_points(data.TEXT_DEFAULT)
    modifier_bases = _code_points(data.MODIFIER_BASES)
    keycap_bases = {ord(c) for c in data.KEYCAP_BASES}
    firsts = single | text_default | modifier_bases | keycap_bases
    firsts |= {int(tokens[0], 16) for tokens in zwj} | {ord(flag[0]) for flag in flags}

    def fragment(token: str) -> str:
        if token == "T":
            return _TONE
        if token == "FE0F":
            return "\ufe0f?"  # the minimally-qualified and unqualified spellings lack some
        return re.escape(chr(int(token, 16)))

    alternatives = [
        _trie_pattern([fragment(token) for token in tokens] for tokens in zwj),
        _char_class(keycap_bases) + "\ufe0f?\u20e3",
        _trie_pattern(flags),
        f"\U0001f3f4(?:{_trie_pattern(tags)})\U000e007f",
        # twemoji also takes "✌️🏽" (U+FE0F before the tone) for one emoji.
        f"(?:{_char_class(modifier_bases & text_default)}\ufe0f?"
        f"|{_char_class(modifier_bases - text_default)}){_TONE}",
        _char_class(text_default | _code_points(data.VARIATION_BASES)) + "\ufe0f",
        _char_class(text_default - _TEXT_UNLESS_VS16),
        _char_class(single),
    ]
    # The lookahead lets the regex skip plain text fast, one character test per position.
    return f"(?={_char_class(firsts)})(?:{'|'.join(alternatives)})"


@functools.cache
def _emoji() -> re.Pattern[str]:
    """The emoji regex, compiled on first use (~50 ms)."""
    return re.compile(_emoji_pattern())


def weighted_length(text: str) -> int:
    """The weighted length of ``text`` as twitter-text v3 counts it (parseTweet's weightedLength,
    which a tweet keeps within 280), measured in Unicode NFC like the reference."""
    text = unicodedata.normalize("NFC", text)
    # What starts where, and weighs what: a URL wins over an emoji starting at the same index.
    spans = {match.start(): (match.end(), _EMOJI_WEIGHT) for match in _emoji().finditer(text)}
    spans.update((url.start, (url.end, _URL_WEIGHT)) for url in _urls(text))
    units = 0
    position = 0
    for start in sorted(spans):
        if start < position:
            continue  # inside a URL counted already
        end, weight = spans[start]
        units += _plain_weight(text, position, start) + weight
        position = end
    units += _plain_weight(text, position, len(text))
    return units // _SCALE


def _plain_weight(text: str, start: int, end: int) -> int:
    """The weight of text[start:end], code point by code point."""
    light = sum(len(run) for run in _LIGHT.findall(text, start, end))
    return _DEFAULT_WEIGHT * (end - start - light) + _LIGHT_WEIGHT * light
