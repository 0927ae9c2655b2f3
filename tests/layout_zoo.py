"""The layout zoo: real tweets placed in real article layouts, flattened by trafilatura.

Every case is a page built around one tweet of the corpus (its text, author and handle as the
HTML original gives them), in one of the layouts where flattened-text boundaries go wrong:

================  ===========================================================================
layout            what sits directly above the tweet's text in the text copy
================  ===========================================================================
plain             an ordinary article paragraph (real prose of a corpus page)
live_blog         a short timestamped entry (``05.20 …``, ``23:46 …``, ``10:31am …``, ``14h32``)
lead_in           a sentence introducing the tweet (``… tweeted:``, ``a écrit :``, a tease…)
listicle          a numbered heading, a paragraph and a one-line lead-in
interview         a question and a short answer
list              list items (``- item``), the tweet inside an item or right after the list
aside             a label between paragraph and embed (``Merken.``, ``Advertisement``, …)
short_paragraph   a short paragraph, sometimes cut mid-sentence by the extractor
whitespace        a CMS's pretty-printed embed: indentation and white-space-only lines
author_name       a multi-line tweet whose first line names its own account
================  ===========================================================================

The page is rendered to HTML with the embed code Twitter hands out (compact, or indented as
CMS templates print it), then turned into a text copy the way the seed and
``../shared/corpus-text`` were made: ``trafilatura.extract(html, favor_recall=True)``
(trafilatura 2.3.1 reproduces every corpus-text file byte for byte). The ground truth is the
tweet's text as the HTML original gives it. Everything is seeded: the zoo is the same on every
run.
"""

from __future__ import annotations

import html
import json
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from archiver.extract import extract_bytes
from archiver.model import Tweet
from archiver.render.html import date_label

LAYOUTS = (
    "plain",
    "live_blog",
    "lead_in",
    "listicle",
    "interview",
    "list",
    "aside",
    "short_paragraph",
    "whitespace",
    "author_name",
)

# Text copies of pages whose prose is in one language (the corpus-text files).
_PAGE_LANG = {
    "newspaper__dailycaller.com2": "en",
    "newspaper__dailystar.co.uk1": "en",
    "newspaper__mashable.com2": "en",
    "newspaper__mlive.com2": "en",
    "postlight__deadline.com": "en",
    "postlight__forward.com": "en",
    "postlight__uproxx.com": "en",
    "postlight__www.inquisitr.com": "en",
    "postlight__www.nbcnews.com": "en",
    "postlight__www.theatlantic.com": "en",
    "postlight__www.vox.com": "en",
    "trafilatura__timesofisrael.com.washington": "en",
    "trafilatura__theverge.com.ios13": "en",
    "trafilatura__basicthinking.de.tweets": "de",
    "trafilatura__cducsu.de-wasserstoff": "de",
    "trafilatura__fdpbt.de-epidemischenLage": "de",
    "trafilatura__fr.de.nordkorea": "de",
    "trafilatura__hertha-blog.de.dame": "de",
    "trafilatura__tafelblog.de.europa": "de",
    "trafilatura__teslamag.de-Musk": "de",
    "trafilatura__bondyblog.fr.paris-8": "fr",
    "trafilatura__sciencesetavenir.fr.rumeur": "fr",
    "trafilatura__cubadebate.cu-sesiona": "es",
    "trafilatura__elpais.com.ciencia": "es",
    "trafilatura__ultimahora.com-apelacion": "es",
    "trafilatura__minuto30-lasierra": "es",
    "trafilatura__radiomaryja.pl-lux-veritatis": "pl",
    "readability__aktualne.source": "cs",
}

# Live-blog entry stamps as news sites print them, per language.
_STAMPS = {
    "en": [
        "{h:02d}.{m:02d}",
        "{h:02d}:{m:02d}",
        "{h12}:{m:02d}am",
        "{h12}.{m:02d}pm",
        "{h:02d}:{m:02d} GMT",
    ],
    "fr": ["{h:02d}h{m:02d}", "{h}h{m:02d}", "{h:02d}:{m:02d}"],
    "de": ["{h:02d}:{m:02d} Uhr", "{h:02d}.{m:02d} Uhr", "{h:02d}:{m:02d}"],
    "es": ["{h:02d}:{m:02d}", "{h:02d}.{m:02d} h", "{h}:{m:02d} p.m."],
    "pl": ["{h:02d}:{m:02d}", "godz. {h:02d}:{m:02d}"],
    "cs": ["{h:02d}:{m:02d}", "{h}.{m:02d}"],
    "ja": ["{h:02d}:{m:02d}", "{h}時{m:02d}分"],
}
# Introductions: {name} is the author's display name or surname.
_LEAD_INS = {
    "en": [
        "{name} tweeted:",
        "Here's what {name} wrote:",
        "{name} said on Twitter that it was “long overdue”.",
        "Just in case you haven't seen it yet (it's a cracker!) here it is…",
        "And guess who stars in it? That's right, {name}!",
        "The reaction online was swift…",
        "As one user put it:",
        "{name} later posted this update:",
        "Goldstein tweeted he was “honored” to be there",
        "On a side note, apparently {name} is a fan.",
        "A little while later, {name} even weighed in with some statistics.",
        "{name} was not impressed, and said so.",
    ],
    "fr": [
        "{name} a écrit sur Twitter :",
        "{name} a tweeté dans la foulée :",
        "Sur les réseaux sociaux, la réaction ne s'est pas fait attendre…",
        "Voici ce qu'a publié {name}",
        "Quelques heures plus tard, {name} a réagi à son tour.",
    ],
    "de": [
        "{name} schrieb auf Twitter:",
        "{name} twitterte dazu:",
        "Die Reaktionen im Netz ließen nicht lange auf sich warten …",
        "So kommentierte {name} die Nachricht",
        "Auch {name} meldete sich kurz darauf zu Wort.",
    ],
    "es": [
        "{name} escribió en Twitter:",
        "Así lo anunció {name} en sus redes sociales:",
        "{name} tuiteó:",
        "La reacción en redes no se hizo esperar…",
        "Poco después, {name} también reaccionó.",
    ],
    "pl": ["{name} napisał na Twitterze:", "Tak skomentował to {name}:"],
    "cs": ["{name} na Twitteru napsal:", "Podívejte se na reakci:"],
    "ja": [
        "{name}さんは次のようにツイートした。",
        "{name}は自身のTwitterでこう書いている：",
        "{name}在推特上写道：",
    ],
}
_ASIDES = {
    "en": [
        "Advertisement",
        "Read more: The week in pictures",
        "To be continued.",
        "Photo: Reuters",
        "Story continues below",
    ],
    "fr": ["Publicité", "Lire aussi : Les images de la semaine", "À suivre."],
    "de": ["Merken.", "Anzeige", "Lesen Sie auch: Die Bilder der Woche", "Fortsetzung folgt."],
    "es": ["Publicidad", "Lee también: Las imágenes de la semana", "Continuará."],
    "pl": ["Reklama", "Czytaj także: Zdjęcia tygodnia"],
    "cs": ["Reklama", "Čtěte také: Fotky týdne"],
    "ja": ["広告", "つづく"],
}
_QUESTIONS = {
    "en": [
        "Q: What happened next?",
        "Q: How did people react?",
        "Interviewer: Were you surprised?",
    ],
    "fr": ["Question : Comment avez-vous réagi ?", "Et ensuite ?"],
    "de": ["Frage: Wie ging es weiter?", "Wie haben die Leute reagiert?"],
    "es": ["Pregunta: ¿Qué pasó después?", "¿Cómo reaccionó la gente?"],
    "pl": ["Pytanie: Co było dalej?"],
    "cs": ["Otázka: Co bylo dál?"],
    "ja": ["――その後どうなりましたか？"],
}
_ANSWERS = {
    "en": [
        "A: Honestly, we did not expect it.",
        "Everybody was talking about it.",
        "It went everywhere overnight.",
    ],
    "fr": ["Réponse : Honnêtement, on ne s'y attendait pas.", "Tout le monde en parlait."],
    "de": [
        "Antwort: Ehrlich gesagt, damit hatten wir nicht gerechnet.",
        "Alle haben darüber gesprochen.",
    ],
    "es": ["Respuesta: La verdad, no lo esperábamos.", "Todo el mundo hablaba de eso."],
    "pl": ["Odpowiedź: Szczerze, nie spodziewaliśmy się tego."],
    "cs": ["Odpověď: Upřímně, to jsme nečekali."],
    "ja": ["正直、予想していませんでした。"],
}


_ROLES = ["Autor", "reporter", "Investor", "chef"]


@dataclass(frozen=True)
class Case:
    """One zoo page: its layout, its text copy and the tweet it embeds."""

    name: str
    layout: str
    copy: str
    tweet: Tweet


def corpus_tweets(shared: Path) -> list[Tweet]:
    """Every tweet with id, handle and text in the corpus's HTML pages, once each, in order."""
    seen: dict[str, Tweet] = {}
    for path in sorted((shared / "corpus").glob("*.html")):
        if path.name.startswith("negative"):
            continue
        for found in extract_bytes(path.read_bytes(), path.name).found:
            tweet = found.tweet
            if tweet.id and tweet.handle and tweet.text and tweet.date:
                seen.setdefault(tweet.id, tweet)
    return list(seen.values())


def prose_pool(shared: Path) -> dict[str, list[list[str]]]:
    """Real article paragraphs of the corpus's text copies, page by page, per language (the
    tweets and credit lines left out)."""
    expected = json.loads((shared / "corpus-text" / "expected.json").read_text(encoding="utf-8"))
    pool: dict[str, list[str]] = {}
    for stem, lang in sorted(_PAGE_LANG.items()):
        tweets = [_squash(t["text"]) for t in expected.get(stem + ".txt", [])]
        text = (shared / "corpus-text" / (stem + ".txt")).read_text(encoding="utf-8")
        page = []
        for line in text.splitlines():
            line = line.strip()
            squashed = _squash(line)
            if len(line) < 40 or "(@" in line or any(squashed in t for t in tweets):
                continue
            page.append(line)
        if len(page) >= 4:
            pool.setdefault(lang, []).append(page)
    return pool


def build_zoo(shared: Path) -> list[Case]:
    """Every case of the zoo: each corpus tweet in each layout (author_name: multi-line ones)."""
    import trafilatura

    tweets = corpus_tweets(shared)
    pool = prose_pool(shared)
    cases = []
    for layout in LAYOUTS:
        for n, tweet in enumerate(tweets):
            if layout == "author_name" and not _named_first_line(tweet):
                continue
            rng = random.Random(f"{layout}/{tweet.id}")
            pretty = layout == "whitespace" or rng.random() < 0.25
            html_page = _page(layout, tweet, pool, rng, pretty)
            copy = trafilatura.extract(html_page, favor_recall=True) or ""
            if not _survived(tweet, copy):
                continue  # trafilatura dropped the embed (a text copy without this tweet)
            if layout == "author_name":
                tweet = _renamed(tweet)
            cases.append(Case(f"{layout}-{n:03d}", layout, copy, tweet))
    return cases


def _survived(tweet: Tweet, copy: str) -> bool:
    """Whether the tweet's text and credit are in the text copy (up to white space)."""
    text = re.sub(r"https?://\S+|pic\.twitter\.com/\w+", " ", tweet.text or "")
    squashed = _squash(copy)
    return f"(@{tweet.handle})" in copy and all(_squash(x) in squashed for x in text.split())


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _lang(tweet: Tweet) -> str:
    return tweet.lang if tweet.lang in _STAMPS else "en"


def _named_first_line(tweet: Tweet) -> str | None:
    """A word (4+ letters) of a multi-line tweet's first line an account could be named after."""
    text = tweet.text or ""
    if "\n" not in text:
        return None
    words = [w for w in re.findall(r"[^\W\d_]{4,}", text.split("\n")[0]) if w[0].isupper()]
    return words[0] if words else None


def _renamed(tweet: Tweet) -> Tweet:
    """The tweet as posted by an account named after a word of its first line.

    Markets, libraries, towns and teams name themselves in their own tweets; the corpus has
    no multi-line tweet that does, so the display name is chosen, the text stays real.
    """
    from dataclasses import replace

    return replace(tweet, author=f"{_named_first_line(tweet)} Official")


def _page(
    layout: str, tweet: Tweet, pool: dict[str, list[list[str]]], rng: random.Random, pretty: bool
) -> str:
    lang = _lang(tweet)
    prose = rng.choice(pool.get(lang) or pool["en"])  # one real page's paragraphs
    name = tweet.author or tweet.handle or ""
    if layout == "author_name":
        name = f"{_named_first_line(tweet)} Official"
    embed = _embed(tweet, name, pretty, rng)
    parts = [f"<p>{html.escape(x)}</p>" for x in prose[: rng.randrange(2, 6)]]
    if layout == "live_blog":
        h, m = rng.randrange(24), rng.randrange(60)
        for _ in range(rng.randrange(1, 3)):
            parts.append(_entry(lang, h, m, prose, rng))
            h, m = (h - 1) % 24, rng.randrange(60)
        parts.append(_entry(lang, h, m, prose, rng, short=True))
        parts.append(embed)
        parts.append(_entry(lang, (h - 1) % 24, rng.randrange(60), prose, rng))
    elif layout == "lead_in":
        parts.append(f"<p>{html.escape(_lead_in(lang, name, rng))}</p>")
        parts.append(embed)
    elif layout == "listicle":
        n = rng.randrange(1, 11)
        parts.append(
            f"<h2>{n}. {html.escape(name)}, {rng.choice(_ROLES)} "
            f"({rng.randrange(2, 40)}.{rng.randrange(100, 999)} Follower)</h2>"
        )
        parts.append(f"<p>{html.escape(rng.choice(prose))}</p>")
        parts.append(f"<p>{html.escape(_lead_in(lang, name, rng))}</p>")
        parts.append(embed)
    elif layout == "interview":
        parts.append(f"<p><strong>{html.escape(rng.choice(_QUESTIONS[lang]))}</strong></p>")
        parts.append(f"<p>{html.escape(rng.choice(_ANSWERS[lang]))}</p>")
        parts.append(embed)
    elif layout == "list":
        items = [
            f"<li>{html.escape(_short(rng.choice(prose), rng))}</li>"
            for _ in range(rng.randrange(1, 5))
        ]
        if rng.random() < 0.6:
            parts.append(f"<ul>{''.join(items)}<li>{embed}</li>{items[0]}</ul>")
        else:
            parts.append(f"<ul>{''.join(items)}</ul>")
            parts.append(embed)
    elif layout == "aside":
        parts.append(f"<p>{html.escape(rng.choice(_ASIDES[lang]))}</p>")
        parts.append(embed)
    elif layout == "short_paragraph":
        parts.append(f"<p>{html.escape(_short(rng.choice(prose), rng))}</p>")
        parts.append(embed)
    elif layout == "whitespace":
        parts.append(f"<p>{html.escape(rng.choice(prose))}</p>")
        parts.append(
            f'\n{" " * 20}<div class="codefragment codefragment--twitter">\n'
            f"{embed}\n{' ' * 20}</div>\n"
        )
    else:  # plain and author_name
        parts.append(embed)
    parts.extend(f"<p>{html.escape(x)}</p>" for x in prose[-rng.randrange(1, 4) :])
    body = "\n".join(parts)
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>Zoo</title></head>'
        f"<body><article><h1>{html.escape(_short(rng.choice(prose), rng))}</h1>\n{body}\n"
        "</article></body></html>"
    )


def _entry(
    lang: str, h: int, m: int, prose: list[str], rng: random.Random, short: bool = False
) -> str:
    stamp = rng.choice(_STAMPS[lang]).format(h=h, m=m, h12=(h % 12) or 12)
    text = _short(rng.choice(prose), rng) if short else rng.choice(prose)
    return f"<p><strong>{html.escape(stamp)}</strong> {html.escape(text)}</p>"


def _lead_in(lang: str, name: str, rng: random.Random) -> str:
    who = name if rng.random() < 0.5 else name.split()[-1]
    return rng.choice(_LEAD_INS[lang]).format(name=who)


def _short(text: str, rng: random.Random) -> str:
    """A short paragraph: the first sentence, or the text cut at a word (as extractors cut)."""
    first = re.split(r"(?<=[.!?])\s", text, maxsplit=1)[0]
    if len(first) <= 140 and rng.random() < 0.5:
        return first
    cut = text[: rng.randrange(50, 140)]
    return cut.rsplit(" ", 1)[0] if " " in cut else cut


_ENTITY = re.compile(
    r"(?P<url>https?://\S+)|(?P<pic>pic\.twitter\.com/\w+)|(?<!\w)(?P<mention>@\w{1,15})|(?<!\w)(?P<tag>#\w+)"
)


def _linked(text: str) -> str:
    """A tweet's text as the embed code writes it: entities as links, line breaks as <br>."""
    out, last = [], 0
    for match in _ENTITY.finditer(text):
        out.append(html.escape(text[last : match.start()]))
        value = match.group()
        if match.group("url"):
            href = value
        elif match.group("pic"):
            href = "https://t.co/" + value.rsplit("/", 1)[1]
        elif match.group("mention"):
            href = f"https://twitter.com/{value[1:]}?ref_src=twsrc%5Etfw"
        else:
            href = f"https://twitter.com/hashtag/{value[1:]}?src=hash&amp;ref_src=twsrc%5Etfw"
        out.append(f'<a href="{href}">{html.escape(value)}</a>')
        last = match.end()
    out.append(html.escape(text[last:]))
    return "".join(out)


def _embed(tweet: Tweet, name: str, pretty: bool, rng: random.Random) -> str:
    year, month, day = (int(x) for x in (tweet.date or "2020-01-01").split("-"))
    shown = date_label(datetime(year, month, day))  # "April 12, 2023", as embeds show it
    link = f"https://twitter.com/{tweet.handle}/status/{tweet.id}?ref_src=twsrc%5Etfw"
    lines = [_linked(x) for x in (tweet.text or "").split("\n")]
    lang = f' lang="{tweet.lang}"' if tweet.lang else ""
    credit = f'&mdash; {html.escape(name)} (@{tweet.handle}) <a href="{link}">{shown}</a>'
    if not pretty:
        return (
            f'<blockquote class="twitter-tweet"><p{lang} dir="ltr">{"<br>".join(lines)}</p>'
            f"{credit}</blockquote>"
        )
    pad = " " * rng.choice((8, 24, 48))
    if rng.random() < 0.5:  # the text pasted at column 0 after the template's line break
        return (
            f'{pad}<blockquote class="twitter-tweet">\n{pad}  <p{lang} dir="ltr">\n\n'
            f"{'<br>'.join(lines)}</p>{credit}</blockquote>"
        )
    inner = f"<br />\n{pad}    ".join(lines)
    return (
        f'{pad}<blockquote class="twitter-tweet">\n{pad}  <p{lang} dir="ltr">\n{pad}    {inner}\n'
        f"{pad}  </p>{credit}\n{pad}</blockquote>"
    )


def outcomes(cases: list[Case]) -> Iterator[tuple[Case, str]]:
    """Each case with how extraction read it: exact, flagged (the right reading kept beside
    an uncertain text), wrong or missing."""
    from archiver.extract.text import extract_text

    for case in cases:
        found = [f.tweet for f in extract_text(case.copy) if f.tweet.handle == case.tweet.handle]
        yield case, _outcome(found, case.tweet)


def _outcome(found: list[Tweet], truth: Tweet) -> str:
    if len(found) != 1:
        return "missing"
    got, want = found[0], _squash(truth.text or "")
    readings = [got.text or ""] + ([got.text_alternative] if got.text_alternative else [])
    if _squash(got.text or "") == want and not got.text_uncertain:
        return "exact"
    if got.text_uncertain and any(_squash(r) == want for r in readings):
        return "flagged"
    return "wrong"
