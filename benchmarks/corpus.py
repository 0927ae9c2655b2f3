"""A deterministic news-like corpus for the extract benchmark: real embeds in made-up pages.

    .venv/bin/python benchmarks/corpus.py OUT [--articles 2000] [--profile news|embeds]

Pages come from a few dozen made-up publishers, each with its own chrome: a ``<head>`` full of
meta tags (``og:*``, ``twitter:card``, ``twitter:site``), inline CSS, JSON-LD and JavaScript
(including the ``widgets.js`` loader), a navigation bar, share buttons pointing at
``twitter.com/intent/tweet``, related links, a footer and a JSON state blob. The story is long
paragraphs in the publisher's language (ten languages, four scripts). HTML pages weigh 30 to
150 KB; about one article in ten is instead a plain-text copy (``.txt``) of the kind text
extractors make, the form the project's seed article has.

The tweets are never made up. The embeds (``blockquote.twitter-tweet`` of every era, widget
iframes, rendered cards, consent-manager ``<textarea>``, ...) are found with lxml in the HTML
and Markdown files of ``../shared/corpus`` and pasted verbatim: an element's source line
locates its exact text in the file. The flattened tweets of the text copies are the lines of
``../shared/corpus-text`` that hold the tweets ``expected.json`` lists there.

Profiles: ``news`` (15% of articles embed 1 to 12 tweets, the rest none) and ``embeds`` (every
article does). Same arguments, same bytes: every choice comes from a ``random.Random`` seeded
with a string naming the seed, the profile and the article, so article *i* is the same in a
corpus of any size (a 4x corpus is a superset of the 1x one).
"""

from __future__ import annotations

import argparse
import json
import random
import re
from dataclasses import asdict, dataclass
from functools import cache, lru_cache
from pathlib import Path

import lxml.html
from lxml import etree

SHARED = Path(__file__).resolve().parents[2] / "shared"
PROFILES = {"news": 0.15, "embeds": 1.0}
DEFAULT_SEED = 6
SITES = 36
TEXT_COPY_SHARE = 0.10
PER_FOLDER = 500
MAX_EMBEDS = 12
HTML_BYTES = (30_000, 147_000)  # the last paragraph may pass the target by 3 KB
TEXT_BYTES = (6_000, 40_000)

_STATUS_ID = re.compile(
    r"(?:twitter|x)\.com/(?:#!/)?\w{1,20}/status(?:es)?/(\d{5,20})"
    r"|data-tweet-?id=[\"'](\d{5,20})|[?&;]id=(\d{5,20})",
    re.IGNORECASE,
)
_TEXT_CLASS = re.compile(r"tweet[-_]*(?:__)?(?:body[-_]*)?text", re.IGNORECASE)
_ID_ATTRS = ("data-tweet-id", "data-tweetid", "data-twitter-id", "data-twitter-tweet-id")
_FENCE = re.compile(r"^[ \t]{0,3}(?:`{3,}|~{3,})")
_NO_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Embed:
    """One embed's markup exactly as its page had it, and the status ids it names."""

    markup: str
    kind: str
    source: str
    ids: tuple[str, ...]


@dataclass(frozen=True)
class FlatTweet:
    """A tweet flattened to text by a text extractor: its lines, verbatim, and its author."""

    text: str
    source: str
    handle: str


@dataclass(frozen=True)
class Pool:
    """Everything pasted into generated articles."""

    embeds: tuple[Embed, ...]
    flat: tuple[FlatTweet, ...]


@dataclass(frozen=True)
class Article:
    """One generated file: where it is and what it should yield."""

    path: str
    kind: str
    size: int
    embeds: int
    ids: tuple[tuple[str, ...], ...]
    handles: tuple[str, ...]


# --- the pool: real embeds, cut verbatim -------------------------------------------------------


def _embed_root(el: etree._Element) -> tuple[str, etree._Element] | None:
    """The kind of embed ``el`` starts, and the element to cut, or None."""
    tag = el.tag
    classes = (el.get("class") or "").lower().split()
    if tag == "blockquote" and {"twitter-tweet", "twitter-video"} & set(classes):
        kind = "blockquote"
    elif tag == "amp-twitter":
        kind = "amp-twitter"
    elif tag == "iframe" and (
        el.get("data-tweet-id") or "embed/tweet.html" in (el.get("src") or "").lower()
    ):
        kind = "iframe"
    elif tag == "textarea" and "twitter-tweet" in (el.text or ""):
        return "textarea", el
    elif tag in ("p", "div") and _TEXT_CLASS.search(el.get("class") or ""):
        kind = "rendered card"
    elif any(el.get(name) for name in _ID_ATTRS):
        kind = "data-id container"
    else:
        return None
    # Widgets and publishers wrap the embed in containers named after it; take the whole card.
    parent = el.getparent()
    while (
        parent is not None
        and parent.tag not in ("body", "html")
        and "tweet" in (parent.get("class") or "").lower()
    ):
        el, parent = parent, parent.getparent()
    return kind, el


def _cut(source: str, line_starts: list[int], el: etree._Element, nth: int) -> str | None:
    """The exact text of ``el``: the ``nth`` opening tag on its source line to its closing tag."""
    line = el.sourceline
    if not line or line > len(line_starts):
        return None
    end_of_line = line_starts[line] if line < len(line_starts) else len(source)
    opener = re.compile(r"<" + re.escape(el.tag) + r"\b", re.IGNORECASE)
    starts = list(opener.finditer(source, line_starts[line - 1], end_of_line))
    if nth >= len(starts):
        return None
    start = starts[nth].start()
    depth = 0
    tags = re.compile(r"<(/?)" + re.escape(el.tag) + r"\b[^>]*>", re.IGNORECASE)
    for match in tags.finditer(source, start):
        if match.group(1):
            depth -= 1
            if depth == 0:
                return source[start : match.end()]
        elif not match.group(0).endswith("/>"):
            depth += 1
    return None


def _ids(markup: str) -> tuple[str, ...]:
    found: list[str] = []
    for match in _STATUS_ID.finditer(markup):
        value = next(group for group in match.groups() if group)
        if value not in found:
            found.append(value)
    return tuple(found)


def _fenced_lines(text: str) -> set[int]:
    """1-based numbers of the lines inside Markdown code fences (documentation, not embeds)."""
    inside, fenced = False, set()
    for number, line in enumerate(text.split("\n"), start=1):
        if _FENCE.match(line):
            inside = not inside
            fenced.add(number)
        elif inside:
            fenced.add(number)
    return fenced


def embeds_in(text: str, source: str) -> list[Embed]:
    """The embeds of one HTML or Markdown document, verbatim, in document order."""
    root = lxml.html.document_fromstring(text)
    line_starts = [0, *(m.end() for m in re.finditer("\n", text))]
    fenced = _fenced_lines(text) if not source.endswith(".html") else set()
    seen_on_line: dict[tuple[str, int], int] = {}
    nth_of: dict[etree._Element, int] = {}
    for el in root.iter():
        if isinstance(el.tag, str):
            key = (el.tag, el.sourceline or 0)
            nth_of[el] = seen_on_line.get(key, 0)
            seen_on_line[key] = nth_of[el] + 1
    chosen: list[etree._Element] = []
    out: list[Embed] = []
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        found = _embed_root(el)
        if found is None:
            continue
        kind, card = found
        if any(card is c or c in card.iterancestors() for c in chosen):
            continue
        chosen.append(card)
        if (card.sourceline or 0) in fenced:
            continue
        markup = _cut(text, line_starts, card, nth_of[card])
        ids = _ids(markup) if markup else ()
        # The cut must be this element: the same status ids as lxml's serialisation of it.
        if (
            markup
            and ids
            and ids == _ids(etree.tostring(card, encoding="unicode", with_tail=False))
        ):
            out.append(Embed(markup, kind, source, ids))
    return out


def _flat_tweets(text: str, source: str, tweets: list[dict[str, str]]) -> list[FlatTweet]:
    """The lines of a text copy holding each listed tweet: body lines, then the credit line.

    The credit line names the handle (and the date, when listed); the body starts at the
    nearest line above it that holds the start of the tweet's text. A tweet whose start is
    not found is left out.
    """
    lines = text.split("\n")
    used: set[int] = set()
    out = []
    for tweet in tweets:
        credit = f"(@{tweet['handle']})"
        date = _NO_SPACE.sub("", tweet.get("date_text") or "")
        start = _NO_SPACE.sub("", tweet["text"])[:8]
        for at, line in enumerate(lines):
            if at in used or credit not in line or date not in _NO_SPACE.sub("", line):
                continue
            first = next(
                (
                    i
                    for i in range(at, max(at - 12, -1), -1)
                    if start in _NO_SPACE.sub("", lines[i]) and (i == at or i not in used)
                ),
                None,
            )
            if first is not None:
                used.update(range(first, at + 1))
                out.append(FlatTweet("\n".join(lines[first : at + 1]), source, tweet["handle"]))
            break
    return out


@lru_cache(maxsize=4)
def load_pool(shared: Path = SHARED) -> Pool:
    """Every usable embed of ``shared/corpus`` and flattened tweet of ``shared/corpus-text``.

    Files that are not UTF-8 are left out (their text could not go into a UTF-8 page as is),
    and so are embeds naming no status id and embeds inside Markdown code fences.
    """
    embeds: list[Embed] = []
    for path in sorted((shared / "corpus").iterdir()):
        if path.suffix not in (".html", ".md", ".mdx"):
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        embeds.extend(embeds_in(text, path.name))
    text_dir = shared / "corpus-text"
    expected = json.loads((text_dir / "expected.json").read_text(encoding="utf-8"))
    flat: list[FlatTweet] = []
    for name in sorted(expected):
        text = (text_dir / name).read_text(encoding="utf-8")
        flat.extend(_flat_tweets(text, name, expected[name]))
    if not embeds or not flat:
        raise RuntimeError(f"no embeds found under {shared}")
    return Pool(tuple(embeds), tuple(flat))


# --- made-up text and chrome -------------------------------------------------------------------

WORDS = {
    "en": "the council said on Tuesday that new budget for city transport would include more "
    "buses and cycle lanes while residents asked about rent prices housing schools and "
    "hospitals as the minister promised a review of energy costs after months of debate "
    "in parliament over climate policy election results trade and local business growth",
    "fr": "le conseil municipal a annoncé mardi que le nouveau budget des transports "
    "prévoit plus de bus et de pistes cyclables tandis que les habitants s’inquiètent du "
    "prix des loyers des écoles et des hôpitaux après des mois de débats à l’Assemblée sur "
    "la politique climatique les élections le commerce et la croissance régionale",
    "de": "der Stadtrat kündigte am Dienstag an dass der neue Haushalt für den Verkehr mehr "
    "Busse und Radwege vorsieht während die Bürger über Mieten Schulen Krankenhäuser und "
    "Energiepreise klagen nach monatelanger Debatte im Bundestag über Klimapolitik Wahlen "
    "Handel Wirtschaft Größe Straßenbahn Überprüfung Bürgermeisterin",
    "es": "el ayuntamiento anunció el martes que el nuevo presupuesto de transporte incluirá "
    "más autobuses y carriles bici mientras los vecinos preguntan por el precio del "
    "alquiler las escuelas y los hospitales tras meses de debate en el Congreso sobre la "
    "política climática las elecciones el comercio y el crecimiento económico",
    "pt": "a câmara municipal anunciou na terça-feira que o novo orçamento dos transportes "
    "terá mais autocarros e ciclovias enquanto os moradores perguntam sobre rendas escolas "
    "hospitais e preços da energia depois de meses de debate no parlamento sobre política "
    "climática eleições comércio e crescimento da economia regional",
    "it": "il consiglio comunale ha annunciato martedì che il nuovo bilancio dei trasporti "
    "prevede più autobus e piste ciclabili mentre i cittadini chiedono di affitti scuole "
    "ospedali e costi dell’energia dopo mesi di dibattito in parlamento sulla politica "
    "climatica le elezioni il commercio e la crescita dell’economia locale",
    "pl": "rada miasta ogłosiła we wtorek że nowy budżet na transport przewiduje więcej "
    "autobusów i ścieżek rowerowych podczas gdy mieszkańcy pytają o czynsze szkoły szpitale "
    "i ceny energii po miesiącach debaty w Sejmie o polityce klimatycznej wyborach handlu i "
    "wzroście gospodarczym regionu",
    "ru": "городской совет объявил во вторник что новый бюджет на транспорт предусматривает "
    "больше автобусов и велодорожек а жители спрашивают о ценах на аренду школах больницах "
    "и энергии после месяцев споров в парламенте о климатической политике выборах торговле "
    "и экономическом росте региона",
    "ja": "市議会 は 火曜日 に 新しい 交通 予算 で バス と 自転車道 を 増やす と 発表 した "
    "住民 は 家賃 学校 病院 エネルギー 価格 について 質問 し 国会 で は 気候 政策 選挙 "
    "貿易 経済 成長 に ついて 議論 が 続いた",
    "ar": "أعلن المجلس البلدي يوم الثلاثاء أن الميزانية الجديدة للنقل ستشمل المزيد من "
    "الحافلات ومسارات الدراجات بينما يسأل السكان عن الإيجارات والمدارس والمستشفيات وأسعار "
    "الطاقة بعد أشهر من النقاش في البرلمان حول سياسة المناخ والانتخابات والتجارة والنمو",
}
LANGS = tuple(WORDS)
_VOCAB = {lang: tuple(text.split()) for lang, text in WORDS.items()}
_SECTIONS = (
    "politics",
    "world",
    "business",
    "tech",
    "science",
    "sport",
    "culture",
    "opinion",
    "climate",
    "health",
    "cities",
    "travel",
    "food",
    "media",
    "education",
    "video",
)


def _sentence(rng: random.Random, lang: str, low: int = 8, high: int = 28) -> str:
    words = rng.choices(_VOCAB[lang], k=rng.randint(low, high))
    if lang == "ja":
        return "".join(words) + "。"
    text = " ".join(words)
    return text[:1].upper() + text[1:] + "."


def _paragraph(rng: random.Random, lang: str) -> str:
    return (" " if lang != "ja" else "").join(
        _sentence(rng, lang) for _ in range(rng.randint(3, 9))
    )


def _slug(rng: random.Random) -> str:
    return "-".join(rng.choices(_VOCAB["en"], k=rng.randint(3, 7)))


def _token(rng: random.Random, length: int = 8) -> str:
    return "".join(rng.choices("abcdefghijklmnopqrstuvwxyz0123456789", k=length))


@dataclass(frozen=True)
class Site:
    """A made-up publisher: the chrome every one of its pages shares."""

    name: str
    handle: str
    domain: str
    lang: str
    css: str
    script: str
    nav: str
    footer: str


def _css(rng: random.Random, size: int) -> str:
    props = (
        "margin:0 auto",
        "padding:.5rem 1rem",
        "color:#{}",
        "background:#{}",
        "font:400 1rem/1.5 Georgia,serif",
        "display:flex",
        "gap:12px",
        "border-radius:4px",
        "border-bottom:1px solid #{}",
        "max-width:72rem",
        "text-transform:uppercase",
    )
    rules: list[str] = []
    total = 0
    while total < size:
        selector = f".{_token(rng, 2)}-{rng.choice(_SECTIONS)}__{_token(rng, 5)}"
        body = ";".join(p.format(_token(rng, 6)) for p in rng.sample(props, rng.randint(2, 5)))
        rule = f"{selector}{{{body}}}"
        if rng.random() < 0.1:
            rule = f"@media (min-width:{rng.choice((40, 52, 64))}rem){{{rule}}}"
        rules.append(rule)
        total += len(rule)
    return "\n".join(rules)


def _script(rng: random.Random, size: int) -> str:
    parts = [
        "window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments)}"
        f"gtag('js',new Date());gtag('config','G-{_token(rng, 10).upper()}');"
    ]
    total = len(parts[0])
    while total < size:
        name, arg = _token(rng, 3), _token(rng, 2)
        part = (
            f"function {name}({arg}){{var t={arg}&&{arg}.{rng.choice(_SECTIONS)}||[];"
            f"for(var i=0;i<t.length;i++){{if(t[i].k==='{_token(rng)}')return t[i]}}"
            f"return document.querySelector('.{_token(rng, 5)}')}}"
        )
        parts.append(part)
        total += len(part)
    return "\n".join(parts)


@cache
def site(seed: int, number: int) -> Site:
    """Publisher ``number``: its name, language and page chrome (the same on every page)."""
    rng = random.Random(f"{seed}/site/{number}")
    lang = LANGS[number % len(LANGS)]
    name = (
        rng.choice(("The", "Daily", "Metro", "Le", "Der", "El", "Nuevo", "Global"))
        + " "
        + (
            rng.choice(
                (
                    "Courier",
                    "Herald",
                    "Observer",
                    "Post",
                    "Tribune",
                    "Gazette",
                    "Express",
                    "Chronicle",
                    "Monitor",
                    "Journal",
                    "Ledger",
                    "Beacon",
                )
            )
        )
    )
    handle = name.replace(" ", "") + str(number)
    domain = f"www.{handle.lower()}.example"
    nav = "".join(
        f'<li class="nav__item"><a class="nav__link" href="https://{domain}/{section}/">'
        f"{section.title()}</a></li>"
        for section in rng.sample(_SECTIONS, rng.randint(8, len(_SECTIONS)))
    )
    nav = (
        f'<header class="site-header"><a class="site-logo" href="https://{domain}/">{name}</a>'
        f'<nav class="main-nav" aria-label="Sections"><ul class="nav__list">{nav}</ul></nav>'
        '<div class="follow-us"><a class="follow follow--twitter" '
        f'href="https://twitter.com/{handle}" rel="noopener">Twitter</a>'
        f'<a class="follow follow--facebook" href="https://www.facebook.com/{handle}">Facebook</a>'
        f'<a class="follow follow--rss" href="https://{domain}/feed/">RSS</a></div></header>'
    )
    columns = "".join(
        f'<ul class="footer__col">{"".join(links)}</ul>'
        for links in (
            [
                f'<li><a href="https://{domain}/{s}/">{s.title()}</a></li>'
                for s in rng.sample(_SECTIONS, 6)
            ]
            for _ in range(4)
        )
    )
    footer = (
        f'<footer class="site-footer">{columns}<p class="footer__social">Follow '
        f'<a href="https://twitter.com/{handle}">@{handle} on Twitter</a> and '
        f'<a href="https://{domain}/newsletter/">our newsletter</a>.</p>'
        f'<p class="footer__legal">© {name}. <a href="https://{domain}/privacy/">Privacy</a> · '
        f'<a href="https://{domain}/terms/">Terms</a> · <a href="https://{domain}/cookies/">'
        "Cookie settings</a></p></footer>"
    )
    return Site(
        name,
        handle,
        domain,
        lang,
        _css(rng, rng.randint(4_000, 14_000)),
        _script(rng, rng.randint(3_000, 12_000)),
        nav,
        footer,
    )


_TWITTER_LOADER = (
    "!function(d,s,id){var js,fjs=d.getElementsByTagName(s)[0],p=/^http:/.test(d.location)?"
    "'http':'https';if(!d.getElementById(id)){js=d.createElement(s);js.id=id;"
    "js.src=p+'://platform.twitter.com/widgets.js';fjs.parentNode.insertBefore(js,fjs);}}"
    "(document,'script','twitter-wjs');"
)
_WIDGETS_JS = (
    '<script async src="https://platform.twitter.com/widgets.js" charset="utf-8"></script>'
)


def _share_bar(where: str, url: str, title: str, handle: str) -> str:
    quoted = re.sub(r"[^A-Za-z0-9]+", "%20", title)[:120]
    return (
        f'<div class="share-bar share-bar--{where}">'
        '<a class="twitter-share-button share share--twitter" '
        f'href="https://twitter.com/intent/tweet?text={quoted}&amp;url={url}&amp;via={handle}" '
        'data-show-count="false">Tweet</a>'
        f'<a class="share share--facebook" href="https://www.facebook.com/sharer/sharer.php?u={url}"'
        ">Share</a>"
        f'<a class="share share--linkedin" href="https://www.linkedin.com/shareArticle?url={url}"'
        ">LinkedIn</a>"
        f'<a class="share share--email" href="mailto:?subject={quoted}&amp;body={url}">Email</a>'
        "</div>"
    )


def _embed_html(rng: random.Random, embed: Embed) -> str:
    if embed.kind == "blockquote":
        if rng.random() < 0.5:  # WordPress block editor
            return (
                '<figure class="wp-block-embed is-type-rich is-provider-twitter '
                'wp-block-embed-twitter"><div class="wp-block-embed__wrapper">\n'
                f"{embed.markup}\n{_WIDGETS_JS}\n</div></figure>"
            )
        return f"{embed.markup}\n{_WIDGETS_JS}"
    return f'<div class="embed embed--social">\n{embed.markup}\n</div>'


def _paragraph_html(rng: random.Random, lang: str, domain: str) -> str:
    text = _paragraph(rng, lang)
    if rng.random() < 0.3:
        cut = rng.randint(0, max(len(text) - 40, 0))
        while cut > 0 and text[cut - 1] != " ":
            cut -= 1
        link = f'<a href="https://{domain}/{rng.choice(_SECTIONS)}/{_slug(rng)}/">'
        text = f"{text[:cut]}{link}{text[cut : cut + 30]}</a>{text[cut + 30 :]}"
    if rng.random() < 0.08:
        return f"<h2>{_sentence(rng, lang, 4, 9)}</h2>\n<p>{text}</p>"
    return f"<p>{text}</p>"


def _html_article(rng: random.Random, pub: Site, number: int, embeds: list[Embed]) -> str:
    """One HTML page: chrome, then paragraphs with the embeds spread among them."""
    lang = pub.lang
    section = rng.choice(_SECTIONS)
    title = _sentence(rng, lang, 6, 14).rstrip(".。")
    lede = _sentence(rng, lang, 14, 30)
    url = f"https://{pub.domain}/{section}/{2015 + number % 10}/{_slug(rng)}-{number}/"
    date = (
        f"{2015 + number % 10}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        f"T{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:00Z"
    )
    author = (
        rng.choice(
            ("Alex", "Marie", "Jonas", "Lucía", "Ana", "Giulia", "Piotr", "Olga", "Yuki", "Layla")
        )
        + " "
        + rng.choice(
            (
                "Martin",
                "Dubois",
                "Schmidt",
                "García",
                "Silva",
                "Rossi",
                "Nowak",
                "Ivanova",
                "Sato",
                "Haddad",
            )
        )
    )
    image = f"https://cdn.{pub.domain[4:]}/img/{_token(rng, 16)}.jpg"
    ld = json.dumps(
        {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": title,
            "datePublished": date,
            "author": {"@type": "Person", "name": author},
            "image": [image],
            "publisher": {"@type": "Organization", "name": pub.name},
            "mainEntityOfPage": url,
        },
        ensure_ascii=False,
    )
    related = "".join(
        f'<li class="related__item"><a href="https://{pub.domain}/{rng.choice(_SECTIONS)}/'
        f'{_slug(rng)}/"><img loading="lazy" src="https://cdn.{pub.domain[4:]}/img/'
        f'{_token(rng, 16)}.jpg" alt=""><span>{_sentence(rng, lang, 5, 11)}</span></a></li>'
        for _ in range(rng.randint(5, 10))
    )
    state = json.dumps(
        {
            "article": {
                "id": number,
                "section": section,
                "tags": rng.sample(_SECTIONS, 4),
                "paywall": rng.random() < 0.3,
                "ads": [
                    {"slot": f"div-gpt-ad-{_token(rng, 12)}", "sizes": [[300, 250], [728, 90]]}
                    for _ in range(rng.randint(3, 9))
                ],
            }
        },
        ensure_ascii=False,
    )
    head = (
        f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{title} | {pub.name}</title>\n"
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="description" content="{lede}">\n'
        f'<link rel="canonical" href="{url}">\n'
        '<meta property="og:type" content="article">\n'
        f'<meta property="og:title" content="{title}">\n'
        f'<meta property="og:description" content="{lede}">\n'
        f'<meta property="og:url" content="{url}">\n'
        f'<meta property="og:image" content="{image}">\n'
        f'<meta property="og:site_name" content="{pub.name}">\n'
        '<meta name="twitter:card" content="summary_large_image">\n'
        f'<meta name="twitter:site" content="@{pub.handle}">\n'
        f'<meta name="twitter:creator" content="@{author.split()[0].lower()}_{pub.handle}">\n'
        f'<meta name="twitter:title" content="{title}">\n'
        f'<meta name="twitter:description" content="{lede}">\n'
        f'<meta name="twitter:image" content="{image}">\n'
        f'<meta property="article:published_time" content="{date}">\n'
        f'<link rel="stylesheet" href="https://cdn.{pub.domain[4:]}/css/main.{_token(rng)}.css">\n'
        f"<style>\n{pub.css}\n</style>\n"
        f'<script type="application/ld+json">{ld}</script>\n'
        f"<script>\n{pub.script}\n</script>\n</head>\n"
    )
    top = (
        f'<body class="article-page section-{section}">\n{pub.nav}\n<main id="main">\n'
        f'<article class="story">\n<h1 class="story__headline">{title}</h1>\n'
        f'<p class="story__lede">{lede}</p>\n'
        f'<div class="byline">By <a rel="author" href="https://{pub.domain}/authors/'
        f'{author.split()[1].lower()}/">{author}</a> · <time datetime="{date}">{date[:10]}'
        f"</time></div>\n{_share_bar('top', url, title, pub.handle)}\n"
        f'<figure class="story__image"><img src="{image}" alt="{lede[:60]}" width="1200" '
        f'height="675"><figcaption>{_sentence(rng, lang, 6, 12)}</figcaption></figure>\n'
        '<div class="story__body">\n'
    )
    bottom = (
        f"</div>\n{_share_bar('bottom', url, title, pub.handle)}\n"
        f'<aside class="related"><h3>Related</h3><ul>{related}</ul></aside>\n'
        f"</article>\n</main>\n{pub.footer}\n"
        f"<script>window.__STATE__={state};</script>\n"
        f'<script async src="https://www.googletagmanager.com/gtag/js?id=G-{_token(rng, 10)}">'
        f"</script>\n<script>{_TWITTER_LOADER}</script>\n</body>\n</html>\n"
    )
    pasted = [_embed_html(rng, embed) for embed in embeds]
    budget = rng.randint(*HTML_BYTES) - sum(
        len(part.encode()) for part in (head, top, bottom, *pasted)
    )
    paragraphs: list[str] = []
    while budget > 0 or not paragraphs:
        paragraph = _paragraph_html(rng, lang, pub.domain)
        paragraphs.append(paragraph)
        budget -= len(paragraph.encode()) + 1
        if rng.random() < 0.1:
            paragraphs.append(f'<div class="ad-slot" id="div-gpt-ad-{_token(rng, 12)}"></div>')
    for embed in reversed(pasted):  # spread evenly, never before the first paragraph
        paragraphs.insert(rng.randint(1, len(paragraphs)), embed)
    return head + top + "\n".join(paragraphs) + "\n" + bottom


def _text_article(rng: random.Random, pub: Site, flat: list[FlatTweet]) -> str:
    """A text copy: the title, then one line per paragraph, flattened tweets among them."""
    lines = [_sentence(rng, pub.lang, 6, 14).rstrip(".。")]
    budget = rng.randint(*TEXT_BYTES)
    while budget > 0:
        line = _paragraph(rng, pub.lang)
        lines.append(line)
        budget -= len(line.encode()) + 1
    for tweet in reversed(flat):
        lines.insert(rng.randint(2, len(lines)), tweet.text)
    return "\n".join(lines) + "\n"


def _embed_count(rng: random.Random) -> int:
    """1 to 12, most often few: weights fall linearly from 12 (one tweet) to 1 (twelve)."""
    return rng.choices(range(1, MAX_EMBEDS + 1), weights=range(MAX_EMBEDS, 0, -1))[0]


def article(number: int, profile: str, seed: int, pool: Pool) -> tuple[bytes, Article]:
    """Article ``number`` of ``profile``: its bytes, and where it goes and what it holds."""
    rng = random.Random(f"{seed}/{profile}/{number}")
    pub = site(seed, rng.randrange(SITES))
    is_text = rng.random() < TEXT_COPY_SHARE
    count = _embed_count(rng) if rng.random() < PROFILES[profile] else 0
    stem = f"{number // PER_FOLDER:03d}/{pub.handle.lower()}-{number:06d}"
    if is_text:
        flat = rng.sample(pool.flat, min(count, len(pool.flat)))
        data = _text_article(rng, pub, flat).encode("utf-8")
        return data, Article(
            f"{stem}.txt", "text", len(data), len(flat), (), tuple(t.handle for t in flat)
        )
    embeds = rng.sample(pool.embeds, min(count, len(pool.embeds)))
    data = _html_article(rng, pub, number, embeds).encode("utf-8")
    return data, Article(
        f"{stem}.html", "html", len(data), len(embeds), tuple(e.ids for e in embeds), ()
    )


def generate(
    out: Path,
    articles: int,
    profile: str = "news",
    seed: int = DEFAULT_SEED,
    shared: Path = SHARED,
    start: int = 0,
) -> list[Article]:
    """Write articles ``start`` to ``start + articles - 1`` of ``profile`` under ``out``.

    A ``manifest.json`` beside them lists each file with the embeds it holds (the extractor
    does not read ``.json`` files).
    """
    if profile not in PROFILES:
        raise ValueError(f"unknown profile {profile!r} (choose from {', '.join(PROFILES)})")
    pool = load_pool(shared)
    made: list[Article] = []
    for number in range(start, start + articles):
        data, info = article(number, profile, seed, pool)
        target = out / info.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        made.append(info)
    manifest = {
        "seed": seed,
        "profile": profile,
        "start": start,
        "articles": [asdict(a) for a in made],
    }
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), "utf-8")
    return made


def main() -> None:
    """Generate a corpus from the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--profile", choices=sorted(PROFILES), default="news")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args()
    made = generate(args.out, args.articles, args.profile, args.seed)
    size = sum(a.size for a in made)
    embeds = sum(a.embeds for a in made)
    print(f"{len(made)} articles, {size / 1e6:.1f} MB, {embeds} embeds, in {args.out}")


if __name__ == "__main__":
    main()
