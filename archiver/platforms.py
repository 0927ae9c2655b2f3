"""Bluesky, Mastodon and Threads: post ids, keys, canonical URLs, handles, times from ids and
the platforms' own hashtag and mention rules (pure; no I/O).

X keeps its rules where they were (``archiver.extract.common``, ``archiver.dates``); this
module holds what the other platforms add. Sources of every rule are named where it is
defined (the research for issue 13 quotes them).

Keys never collide with X keys (a bare status id or ``t-`` and 16 hex digits): every key of
another platform starts with its prefix and a colon — ``bsky:<did or handle>/<rkey>``,
``mastodon:<host>/<id>``, ``threads:<shortcode>``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

X = "x"
BLUESKY = "bluesky"
MASTODON = "mastodon"
THREADS = "threads"
#: Every platform a record may name, X first (absent = X).
NAMES = (X, BLUESKY, MASTODON, THREADS)
#: How cards and messages name a platform.
LABELS = {X: "X", BLUESKY: "Bluesky", MASTODON: "Mastodon", THREADS: "Threads"}
_PREFIX = {BLUESKY: "bsky:", MASTODON: "mastodon:", THREADS: "threads:"}
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

# --- Bluesky (AT Protocol) -------------------------------------------------------------------

#: Handle: a host name of >= 2 labels whose last does not start with a digit
#: (atproto.com/specs/handle; the regex of bluesky-social/indigo and social-app).
BSKY_HANDLE = re.compile(
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
)
#: The two DID methods atproto blesses: ``did:plc:`` + 24 base32 and ``did:web:`` + host.
DID = re.compile(r"did:plc:[a-z2-7]{24}|did:web:[A-Za-z0-9.-]+(?:%3A[0-9]+)?")
#: Record key (atproto.com/specs/record-key); "." and ".." are refused separately.
RKEY = re.compile(r"[A-Za-z0-9_~.:-]{1,512}")
#: TID (atproto.com/specs/tid): 13 base32-sortable characters, top bit 0.
TID = re.compile(r"[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}")
_S32 = "234567abcdefghijklmnopqrstuvwxyz"
_POST_COLLECTION = "app.bsky.feed.post"
_AT_URI = re.compile(
    rf"at://({DID.pattern}|{BSKY_HANDLE.pattern})/app\.bsky\.feed\.post/([A-Za-z0-9_~.:-]{{1,512}})"
)
_BSKY_URL = re.compile(
    rf"https?://(?:www\.)?bsky\.app/profile/({DID.pattern}|{BSKY_HANDLE.pattern})/post/"
    r"([A-Za-z0-9_~.:-]{1,512}?)(?=[/?#\\]|\Z)"
)


def valid_rkey(value: str) -> bool:
    """Whether ``value`` is an atproto record key."""
    return RKEY.fullmatch(value) is not None and value not in (".", "..")


def tid_time(rkey: str) -> datetime | None:
    """The time a TID record key carries: its top 53 bits after the zero bit are microseconds
    since 1970 (the last 10 a clock id); None when ``rkey`` is not a TID.

    The writer chooses the key (the spec warns it is not to be trusted blindly); posts made by
    Bluesky's apps carry their creation time, as every corpus post shows.
    """
    if not TID.fullmatch(rkey):
        return None
    n = 0
    for char in rkey:
        n = n * 32 + _S32.index(char)
    return _EPOCH + timedelta(microseconds=n >> 10)


@dataclass(frozen=True)
class BlueskyPost:
    """A Bluesky post named by an AT-URI or a bsky.app URL: ``author`` is a DID or a handle."""

    author: str
    rkey: str

    @property
    def did(self) -> str | None:
        """The author's DID when the reference names one (handles can change, DIDs do not)."""
        return self.author if self.author.startswith("did:") else None

    @property
    def at_uri(self) -> str | None:
        """``at://DID/app.bsky.feed.post/RKEY`` (only with a DID: a handle URI is not stable)."""
        return f"at://{self.author}/{_POST_COLLECTION}/{self.rkey}" if self.did else None

    @property
    def url(self) -> str:
        """``https://bsky.app/profile/DID-or-handle/post/RKEY``."""
        return f"https://bsky.app/profile/{self.author}/post/{self.rkey}"

    @property
    def key(self) -> str:
        """``bsky:<did or lower-case handle>/<rkey>`` (an rkey alone is unique per repo only)."""
        return f"bsky:{self.author}/{self.rkey}"


def parse_bluesky(ref: str | None) -> BlueskyPost | None:
    """A post from an AT-URI (``at://AUTHORITY/app.bsky.feed.post/RKEY``) or a bsky.app post
    URL (query and fragment ignored); None for anything else (feeds, lists, profiles)."""
    if not ref:
        return None
    ref = ref.strip()
    match = _AT_URI.fullmatch(ref) or _BSKY_URL.match(ref)
    if match is None or not valid_rkey(match.group(2)):
        return None
    author = match.group(1)
    return BlueskyPost(author if author.startswith("did:") else author.lower(), match.group(2))


# Bluesky's hashtag and mention detection, @atproto/api ``RichText.detectFacets``
# (bluesky-social/atproto packages/api/src/rich-text/detection.ts and util.ts):
# TAG_REGEX /(^|\s)[#＃]((?!\ufe0f)[^\s<cut>]*[^\d\s\p{P}<cut>]+[^\s<cut>]*)?/gu, trailing
# punctuation stripped, 1..64 characters; MENTION /(^|\s|\()(@)([a-zA-Z0-9.-]+)(\b)/ whose
# handle must be a host name.
_BSKY_CUT = "\u00ad\u2060\u200a\u200b\u200c\u200d\u20e2"
_BSKY_TAG = re.compile(rf"(?:^|(?<=\s))[#＃](?!\ufe0f)([^\s{_BSKY_CUT}]+)")
_BSKY_MENTION = re.compile(r"(?:^|(?<=[\s(]))@([A-Za-z0-9.-]+)\b")


def _punctuation(char: str) -> bool:
    return unicodedata.category(char).startswith("P")


def bluesky_hashtags(text: str) -> tuple[str, ...]:
    """Hashtags as Bluesky's clients detect them: after the start or white space, ``#`` or
    ``＃``, trailing punctuation stripped, at least one character that is no digit, no
    punctuation; at most 64 characters."""
    tags = []
    for match in _BSKY_TAG.finditer(text):
        tag = match.group(1)
        while tag and _punctuation(tag[-1]):
            tag = tag[:-1]
        if 0 < len(tag) <= 64 and any(not c.isdigit() and not _punctuation(c) for c in tag):
            tags.append(tag)
    return tuple(tags)


def bluesky_mentions(text: str) -> tuple[str, ...]:
    """Mentions as Bluesky's clients detect them: ``@`` after the start, white space or ``(``,
    a handle that is a host name (lower-cased)."""
    out = []
    for match in _BSKY_MENTION.finditer(text):
        handle = match.group(1).rstrip(".")
        if BSKY_HANDLE.fullmatch(handle):
            out.append(handle.lower())
    return tuple(out)


# --- Mastodon --------------------------------------------------------------------------------

#: Username (mastodon/mastodon app/models/account.rb USERNAME_RE).
MASTODON_USER = re.compile(r"[A-Za-z0-9_]+(?:[A-Za-z0-9_.-]+[A-Za-z0-9_]+)?")
_HOST = re.compile(
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z][A-Za-z0-9-]{0,62}"
)
#: ``user@server`` (the API's ``acct`` of a remote account; archiver always keeps the server).
MASTODON_HANDLE = re.compile(rf"({MASTODON_USER.pattern})@({_HOST.pattern})")
#: Ids at or above this are time-based: ``id >> 16`` is 2016-03-01 (Mastodon's first
#: release); smaller ids are the sequential ids of statuses older than Mastodon 2.0.
MASTODON_TIME_IDS = 95472215654400000
_MAX_ID = 2**63 - 1
_MASTODON_URL = re.compile(
    rf"https?://({_HOST.pattern})(?::[0-9]+)?/"
    rf"(?:@({MASTODON_USER.pattern})|users/({MASTODON_USER.pattern})/statuses)/([0-9]{{1,19}})"
    r"(?=[^0-9]|\Z)"
)


_MASTODON_KEY = re.compile(rf"mastodon:(?:{_HOST.pattern})/([0-9]{{1,19}})")


def valid_mastodon_host(value: str) -> bool:
    """Whether ``value`` is a server's host name as Mastodon keys and URLs hold them."""
    return _HOST.fullmatch(value) is not None


def valid_mastodon_id(value: str) -> bool:
    """A status id: 1 to 19 decimal digits below 2**63, no leading zero."""
    return value.isascii() and value.isdigit() and value[0] != "0" and int(value) <= _MAX_ID


def mastodon_time(status_id: str) -> datetime | None:
    """The time a status id carries: ``id >> 16`` milliseconds since 1970
    (mastodon/mastodon lib/mastodon/snowflake.rb); None for pre-2.0 sequential ids."""
    if not valid_mastodon_id(status_id) or int(status_id) < MASTODON_TIME_IDS:
        return None
    return _EPOCH + timedelta(milliseconds=int(status_id) >> 16)


@dataclass(frozen=True)
class MastodonPost:
    """A status on one server: the id is valid only there."""

    host: str
    user: str
    id: str

    @property
    def handle(self) -> str:
        """``user@server``."""
        return f"{self.user}@{self.host}"

    @property
    def url(self) -> str:
        """``https://SERVER/@USER/ID``."""
        return f"https://{self.host}/@{self.user}/{self.id}"

    @property
    def key(self) -> str:
        """``mastodon:<host>/<id>``."""
        return f"mastodon:{self.host}/{self.id}"


def parse_mastodon(url: str | None) -> MastodonPost | None:
    """A status from ``https://SERVER/@USER/ID`` (``/embed`` and junk after the digits
    tolerated, as in a real ``…/ID>/embed``) or ``/users/USER/statuses/ID``."""
    if not url:
        return None
    match = _MASTODON_URL.match(url.strip())
    if match is None or not valid_mastodon_id(match.group(4)):
        return None
    return MastodonPost(match.group(1).lower(), match.group(2) or match.group(3), match.group(4))


# Mastodon's own rules (app/models/tag.rb HASHTAG_RE; account.rb MENTION_RE): a tag needs a
# letter, may hold "_", "·", "・" and ZWNJ inside, and follows no "/", ")" or word character;
# a mention follows no "=", "/" or word character and may name a server.
_SEP = "_\u00b7\u30fb\u200c"
_MASTODON_TAG = re.compile(r"(?:^|(?<=[^/)\w]))#([\w\u00b7\u30fb\u200c]+)")
_MASTODON_MENTION = re.compile(
    rf"(?<![=/\w])@({MASTODON_USER.pattern}(?:@[\w.-]+\w)?)", re.IGNORECASE
)


def mastodon_hashtags(text: str) -> tuple[str, ...]:
    """Hashtags by Mastodon's HASHTAG_RE: separators only inside, at least one letter."""
    out = []
    for match in _MASTODON_TAG.finditer(text):
        tag = match.group(1).strip(_SEP[1:])  # "·", "・", ZWNJ never end or start a tag
        if any(c.isalpha() for c in tag):
            out.append(tag)
    return tuple(out)


def mastodon_mentions(text: str) -> tuple[str, ...]:
    """Mentions by Mastodon's MENTION_RE (``user`` or ``user@server``)."""
    return tuple(m.group(1) for m in _MASTODON_MENTION.finditer(text))


# --- Threads ---------------------------------------------------------------------------------

#: Username (Instagram's rules): 1-30 of letters, digits, "." and "_", no dot at either end.
THREADS_USER = re.compile(r"(?!\.)(?!.*\.\.)[A-Za-z0-9._]{1,30}(?<!\.)")
#: A post's shortcode: Instagram's URL-safe base 64 (case matters: codes differ by case only).
THREADS_CODE = re.compile(r"[A-Za-z0-9_-]{1,64}")
_B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
#: Instagram's id epoch ("Sharding & IDs at Instagram", 2011): ``(id >> 23)`` ms after it.
INSTAGRAM_EPOCH_MS = 1314220021721
_THREADS_URL = re.compile(
    r"https?://(?:www\.)?threads\.(?:net|com)/"
    r"(?:@([A-Za-z0-9._]{1,30})/post|t)/([A-Za-z0-9_-]{11})(?=[/?#\"'\\]|\Z)"
)


def threads_media_id(code: str) -> int | None:
    """The media id a shortcode spells in base 64 (alphabet ``A-Za-z0-9-_``)."""
    if not THREADS_CODE.fullmatch(code) or len(code) > 12:
        return None
    n = 0
    for char in code:
        n = n * 64 + _B64.index(char)
    return n


def threads_time(code: str) -> datetime | None:
    """The time a Threads shortcode carries, *derived*: Meta documents no id format for
    Threads; Instagram's (41 bits of ms since its 2011 epoch, then shard and sequence) fits
    every post checked. Only 11-character codes (62-bit ids) are decoded."""
    media = threads_media_id(code) if len(code) == 11 else None
    if media is None:
        return None
    return _EPOCH + timedelta(milliseconds=(media >> 23) + INSTAGRAM_EPOCH_MS)


@dataclass(frozen=True)
class ThreadsPost:
    """A Threads post: the shortcode names it (the user is ``None`` for a ``/t/CODE`` link)."""

    user: str | None
    code: str

    @property
    def url(self) -> str:
        """``https://www.threads.com/@USER/post/CODE`` (threads.net redirects there)."""
        if self.user:
            return f"https://www.threads.com/@{self.user}/post/{self.code}"
        return f"https://www.threads.com/t/{self.code}"

    @property
    def key(self) -> str:
        """``threads:<code>`` (media ids are global)."""
        return f"threads:{self.code}"


def parse_threads(url: str | None) -> ThreadsPost | None:
    """A post from a threads.net / threads.com ``/@USER/post/CODE`` or ``/t/CODE`` URL.

    Post shortcodes are 11 characters (62-bit media ids); a shorter word is a placeholder
    (documentation writes ``/post/CODE``), not a post.
    """
    if not url:
        return None
    match = _THREADS_URL.match(url.strip())
    if match is None or (match.group(1) and not THREADS_USER.fullmatch(match.group(1))):
        return None
    return ThreadsPost(match.group(1), match.group(2))


# --- All platforms ---------------------------------------------------------------------------


def platform_of_key(key: str) -> str:
    """The platform a key belongs to (X keys have no prefix)."""
    for name, prefix in _PREFIX.items():
        if key.startswith(prefix):
            return name
    return X


def valid_key(platform: str, key: str, post_id: str, url: str | None, uri: str | None) -> bool:
    """Whether ``key`` is the key of the record of ``platform`` with this id, URL and URI.

    A Mastodon record without a URL (an Eleventy ``stoot`` names server and id, not the
    user) keeps the server only in its key.
    """
    if platform == MASTODON and url is None:
        match = _MASTODON_KEY.fullmatch(key)
        return match is not None and match.group(1) == post_id
    return key == post_key(platform, post_id, url, uri)


def post_key(platform: str, post_id: str, url: str | None, uri: str | None) -> str | None:
    """The key a record of ``platform`` with this id, URL and URI must have (None: it has none)."""
    if platform == BLUESKY:
        post = parse_bluesky(uri) or parse_bluesky(url)
        return post.key if post and post.rkey == post_id else None
    if platform == MASTODON:
        status = parse_mastodon(url)
        return status.key if status and status.id == post_id else None
    if platform == THREADS:
        return f"threads:{post_id}"
    return post_id


def parse_post(ref: str) -> tuple[str, str] | None:
    """``(platform, key)`` for a post URL or AT-URI of Bluesky, Mastodon or Threads."""
    for platform, parse in ((BLUESKY, parse_bluesky), (THREADS, parse_threads)):
        post = parse(ref)
        if post:
            return platform, post.key
    status = parse_mastodon(ref)
    return (MASTODON, status.key) if status else None


def id_time(platform: str, post_id: str) -> datetime | None:
    """The creation time a post id carries on a non-X platform, or None."""
    if platform == BLUESKY:
        return tid_time(post_id)
    if platform == MASTODON:
        return mastodon_time(post_id)
    if platform == THREADS:
        return threads_time(post_id)
    return None


def profile_url(platform: str, handle: str, did: str | None = None) -> str | None:
    """The author's profile page on their own platform's host."""
    if platform == BLUESKY:
        return f"https://bsky.app/profile/{did or handle}"
    if platform == MASTODON:
        match = MASTODON_HANDLE.fullmatch(handle)
        return f"https://{match.group(2)}/@{match.group(1)}" if match else None
    if platform == THREADS:
        return f"https://www.threads.com/@{handle}"
    return None
