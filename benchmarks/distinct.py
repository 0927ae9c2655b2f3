"""N *distinct* tweets, for measuring the archive at its users' size.

The news-like corpus (``corpus.py``) embeds the corpus's real markups, so its archive never
grows past a few hundred tweets: it measured parsing, not a store of millions. This generator
makes as many different tweets as asked — distinct ids (snowflakes spread over 2010–2024),
distinct texts in six languages and scripts (English, French, Spanish, Japanese, Arabic,
Russian) with @mentions, #hashtags, $cashtags, links and photos, about one handle per four
tweets — deterministically from a seed:

- ``distinct_tweets(n)``: the records, as extraction would make them;
- ``distinct_documents(n)``: ``Document``s of ``per_page`` tweets, ready for
  ``Archive.save_documents`` (for benchmarks and tests of the store and the renderer);
- ``distinct_pages(n)``: HTML pages embedding them with today's embed code, page chrome and
  prose between (for measuring ``archiver extract`` end to end).

    .venv/bin/python benchmarks/distinct.py OUT_DIR [--tweets 100000] [--per-page 10]
"""

from __future__ import annotations

import argparse
import hashlib
import html
import random
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from archiver.entities import extract_entities
from archiver.model import Document, Found, Link, Media, Source, Tweet, status_url

EPOCH_MS = 1288834974657
START = datetime(2010, 11, 5, tzinfo=UTC).timestamp()
END = datetime(2024, 12, 31, tzinfo=UTC).timestamp()
LANGS = (("en", 0.55), ("fr", 0.1), ("es", 0.1), ("ja", 0.09), ("ar", 0.07), ("ru", 0.09))
_SYLLABLES = {
    "en": [
        "ba",
        "be",
        "bi",
        "bo",
        "bu",
        "ca",
        "co",
        "da",
        "de",
        "di",
        "do",
        "fa",
        "fe",
        "fi",
        "ga",
        "go",
        "ha",
        "he",
        "hi",
        "ka",
        "ke",
        "la",
        "le",
        "li",
        "lo",
        "ma",
        "me",
        "mi",
        "mo",
        "na",
        "ne",
        "ni",
        "no",
        "pa",
        "pe",
        "pi",
        "po",
        "ra",
        "re",
        "ri",
        "ro",
        "sa",
        "se",
        "si",
        "so",
        "ta",
        "te",
        "ti",
        "to",
        "va",
        "ve",
        "vi",
        "wa",
        "we",
        "wi",
        "ya",
        "yo",
        "st",
        "tr",
        "th",
        "sh",
        "ch",
        "ng",
    ],
    "fr": [
        "la",
        "le",
        "les",
        "de",
        "des",
        "du",
        "un",
        "une",
        "en",
        "et",
        "est",
        "pour",
        "que",
        "qui",
        "dans",
        "sur",
        "au",
        "aux",
        "ou",
        "par",
        "mais",
        "é",
        "è",
        "ré",
        "té",
        "mé",
        "ça",
        "çon",
        "ée",
        "ière",
        "eau",
        "oin",
        "ain",
    ],
    "es": [
        "la",
        "el",
        "los",
        "las",
        "de",
        "del",
        "en",
        "y",
        "que",
        "por",
        "con",
        "para",
        "una",
        "uno",
        "ño",
        "ña",
        "ción",
        "dad",
        "mente",
        "ri",
        "ro",
        "sa",
        "se",
        "ta",
        "to",
        "ca",
        "co",
        "bu",
        "bo",
    ],
    "ja": list(
        "あいうえおかきくけこさしすせそたちつてとなにぬねのはひふへほまみむめもやゆよ"
        "らりるれろわをん日本語東京大学新聞記事時間今年政府経済社会"
    ),
    "ar": [
        "ال",
        "من",
        "في",
        "على",
        "إلى",
        "عن",
        "مع",
        "هذا",
        "هذه",
        "كان",
        "قد",
        "لا",
        "ما",
        "بين",
        "بعد",
        "قبل",
        "حتى",
        "سا",
        "لي",
        "مو",
        "نا",
        "ري",
        "ته",
    ],
    "ru": [
        "на",
        "по",
        "за",
        "из",
        "от",
        "до",
        "во",
        "ко",
        "то",
        "не",
        "ни",
        "ли",
        "же",
        "бы",
        "ра",
        "ро",
        "ре",
        "ри",
        "ла",
        "ло",
        "ле",
        "ли",
        "ка",
        "ко",
        "ку",
        "ма",
        "мо",
        "ми",
        "та",
        "те",
        "ти",
        "ст",
        "пр",
    ],
}
_FIRST = [
    "Ana",
    "Ben",
    "Chloé",
    "Dmitri",
    "Emma",
    "Farid",
    "Grace",
    "Hiro",
    "Inès",
    "Jonas",
    "Kenji",
    "Lina",
    "Maya",
    "Noor",
    "Omar",
]
_LAST = [
    "Adams",
    "Bernard",
    "Costa",
    "Dubois",
    "Evans",
    "Fischer",
    "García",
    "Hoffmann",
    "Ito",
    "Jones",
    "Kim",
    "López",
]


def _lang(rng: random.Random) -> str:
    pick, total = rng.random(), 0.0
    for lang, share in LANGS:
        total += share
        if pick < total:
            return lang
    return "en"


def _word(rng: random.Random, lang: str) -> str:
    syllables = _SYLLABLES[lang]
    # Zipf-like: a few syllables are common, most rare, so word frequencies look like text.
    count = rng.choice((1, 2, 2, 3, 3, 4)) if lang != "ja" else rng.randint(2, 6)
    return "".join(
        syllables[
            min(int(rng.paretovariate(1.2)) - 1, len(syllables) - 1)
            if rng.random() < 0.6
            else rng.randrange(len(syllables))
        ]
        for _ in range(count)
    )


def _handle(number: int) -> str:
    digest = hashlib.sha256(str(number).encode()).hexdigest()
    name = _FIRST[number % len(_FIRST)].encode("ascii", "ignore").decode().lower()
    return f"{name[:4]}_{digest[:6]}{number % 97}"


def _author(number: int) -> str:
    return f"{_FIRST[number % len(_FIRST)]} {_LAST[(number // len(_FIRST)) % len(_LAST)]}"


def distinct_tweets(n: int, seed: int = 0) -> Iterator[Tweet]:
    """``n`` different tweets, as extraction would record them from today's embed code."""
    rng = random.Random(seed)
    handles = max(1, n // 4)
    for number in range(n):
        ms = int((START + (END - START) * rng.random()) * 1000)
        tweet_id = str(((ms - EPOCH_MS) << 22) | (number & 0x3FFFFF))
        who = int(rng.paretovariate(0.8) * 7) % handles  # some handles tweet a lot
        lang = _lang(rng)
        words = [_word(rng, lang) for _ in range(rng.randint(6, 30))]
        for kind, chance in (("@", 0.35), ("#", 0.4), ("$", 0.04)):
            if rng.random() < chance:
                target = _handle(rng.randrange(handles)) if kind == "@" else _word(rng, "en")
                if kind == "$":
                    target = target.upper()[:5]
                words.insert(rng.randrange(len(words) + 1), kind + target)
        links: list[Link] = []
        media: list[Media] = []
        if rng.random() < 0.3:
            short = f"https://t.co/{_word(rng, 'en')[:6]}{number % 9973:04d}"
            display = f"example.org/{_word(rng, 'en')}"
            links.append(Link(short, display, f"https://{display}"))
            words.append(display)
        if rng.random() < 0.2:
            pic = f"pic.twitter.com/{hashlib.md5(tweet_id.encode()).hexdigest()[:10]}"
            media.append(Media(f"https://t.co/{pic[-10:]}", pic))
            words.append(pic)
        if lang == "ja":  # no spaces between words, but around entities as people type them
            text = "".join(f" {w} " if w[0] in "@#$" or "/" in w else w for w in words)
            text = " ".join(text.split())
        else:
            text = " ".join(words)
        if rng.random() < 0.15 and " " in text:
            cut = text.find(" ", len(text) // 2)
            cut = cut if cut >= 0 else text.rindex(" ")
            text = text[:cut] + "\n\n" + text[cut + 1 :]
        entities = extract_entities(text)
        created = datetime.fromtimestamp(ms / 1000, UTC)
        handle = _handle(who)
        yield Tweet(
            key=tweet_id,
            id=tweet_id,
            url=status_url(tweet_id, handle),
            author=_author(who),
            handle=handle,
            date=created.strftime("%Y-%m-%d"),
            created_at=created.strftime("%Y-%m-%dT%H:%M:%SZ"),
            lang=lang,
            text=text,
            mentions=tuple(dict.fromkeys(e.value for e in entities.mentions)),
            hashtags=tuple(dict.fromkeys(e.value for e in entities.hashtags)),
            cashtags=tuple(dict.fromkeys(e.value for e in entities.cashtags)),
            links=tuple(links),
            media=tuple(media),
        )


def embed_markup(tweet: Tweet) -> str:
    """Today's embed code for a tweet (what publishers paste), without the widgets.js line."""
    text = html.escape(tweet.text or "")
    for kind, values in (("@", tweet.mentions), ("#", tweet.hashtags), ("$", tweet.cashtags)):
        for value in values:
            href = (
                f"https://twitter.com/{value}?ref_src=twsrc%5Etfw"
                if kind == "@"
                else f"https://twitter.com/hashtag/{value}?src=hash&amp;ref_src=twsrc%5Etfw"
            )
            text = text.replace(kind + value, f'<a href="{href}">{kind}{value}</a>', 1)
    for item in (*tweet.links, *tweet.media):
        text = text.replace(item.display, f'<a href="{item.url}">{item.display}</a>', 1)
    text = text.replace("\n\n", "<br><br>")
    day = datetime.strptime(tweet.date or "2020-01-01", "%Y-%m-%d")
    shown = f"{day:%B} {day.day}, {day.year}"
    return (
        f'<blockquote class="twitter-tweet"><p lang="{tweet.lang}" dir="auto">{text}</p>'
        f"&mdash; {html.escape(tweet.author or '')} (@{tweet.handle}) "
        f'<a href="{tweet.url}?ref_src=twsrc%5Etfw">{shown}</a></blockquote>'
    )


def distinct_documents(n_tweets: int, per_page: int = 10, seed: int = 0) -> Iterator[Document]:
    """The tweets as extraction results of pages of ``per_page`` tweets each."""
    tweets = distinct_tweets(n_tweets, seed)
    page = 0
    while batch := [t for _, t in zip(range(per_page), tweets, strict=False)]:
        page += 1
        path = f"gen/page-{page:06d}.html"
        digest = hashlib.sha256(f"{seed}:{path}".encode()).hexdigest()
        source = Source(path, digest, "html", f"Generated article {page}", None, None)
        found = tuple(Found(t, embed_markup(t), "blockquote.twitter-tweet") for t in batch)
        yield Document(source, found)


_PROSE = (
    "The council met on Tuesday to discuss the plan, which has been debated for months. "
    "Residents said they were not consulted, and several groups asked for a delay. "
)


def page_html(number: int, tweets: list[Tweet]) -> str:
    """One article page embedding ``tweets``, with chrome and prose between them."""
    body = []
    for tweet in tweets:
        body.append(f"<p>{_PROSE * 3}</p>")
        body.append(
            embed_markup(tweet) + '\n<script async src="https://platform.twitter.com/widgets.js"'
            ' charset="utf-8"></script>'
        )
    nav = "".join(f'<li><a href="/section/{i}/">Section {i}</a></li>' for i in range(40))
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>Generated article {number}</title>"
        f'<link rel="canonical" href="https://news.example/{number}/"></head><body>'
        f"<header><nav><ul>{nav}</ul></nav></header><main><article><h1>Article {number}</h1>"
        + "\n".join(body)
        + f"<p>{_PROSE * 4}</p></article></main><footer>{_PROSE}</footer></body></html>\n"
    )


def distinct_pages(n_tweets: int, per_page: int = 10, seed: int = 0) -> Iterator[tuple[str, bytes]]:
    """(file name, HTML bytes) of pages embedding ``n_tweets`` distinct tweets."""
    for document in distinct_documents(n_tweets, per_page, seed):
        number = int(document.source.path.rsplit("-", 1)[1].split(".")[0])
        tweets = [f.tweet for f in document.found]
        yield f"page-{number:06d}.html", page_html(number, tweets).encode("utf-8")


def write_pages(out: Path, n_tweets: int, per_page: int = 10, seed: int = 0) -> int:
    """Write the pages into ``out``; returns how many."""
    out.mkdir(parents=True, exist_ok=True)
    count = 0
    for name, data in distinct_pages(n_tweets, per_page, seed):
        (out / name).write_bytes(data)
        count += 1
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--tweets", type=int, default=100_000)
    parser.add_argument("--per-page", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    pages = write_pages(args.out, args.tweets, args.per_page, args.seed)
    print(f"{pages} pages with {args.tweets} distinct tweets in {args.out}")


if __name__ == "__main__":
    main()
