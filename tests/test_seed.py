"""The seed article (a text copy with two flattened embeds) gives exactly its two tweets."""

from __future__ import annotations

from pathlib import Path

from archiver.extract import extract_bytes
from archiver.model import Link, Media

from .conftest import SEEDS

SEED = SEEDS / "aimf-corim-villes-diplomatie-2023.txt"

PLANTE_TEXT = (
    "Les villes s’imposent comme des actrices incontournables des relations internationales.\n"
    "J’en discuterai aujourd’hui au Conseil des relations internationales de Montréal avec mes "
    "collègues @brunomarchand, @evbeaudin et @BelisleFrance.@corim_mcfr #CORIM #polmtl "
    "pic.twitter.com/fic7j4aKUV"
)
ACTUALITE_TEXT = (
    "Bruno Marchand et Valérie Plante sont de cette nouvelle génération de maires et de "
    "mairesses du Québec qui veulent jouer un rôle à l’international. Le gouvernement Legault "
    "doit en prendre note, dit notre collaboratrice @stpierre_ch. https://t.co/q2id0wiOXj"
)


def _seed_tweets():
    doc = extract_bytes(SEED.read_bytes(), str(SEED))
    return doc, [f.tweet for f in doc.found]


def test_seed_is_the_shared_article() -> None:
    shared = Path(__file__).resolve().parents[2] / "shared" / "seeds" / "000_129a46ddbc2e9b9f.txt"
    if shared.exists():
        assert SEED.read_bytes() == shared.read_bytes()


def test_seed_gives_exactly_two_tweets() -> None:
    doc, tweets = _seed_tweets()
    assert doc.source.format == "text"
    assert [t.handle for t in tweets] == ["Val_Plante", "Lactualite"]


def test_seed_plante_every_field() -> None:
    _, tweets = _seed_tweets()
    plante = tweets[0]
    assert plante.author == "Valérie Plante"
    assert plante.handle == "Val_Plante"
    assert plante.date == "2023-04-12"
    assert plante.id is None
    assert plante.url is None
    assert plante.created_at is None
    assert plante.lang is None
    assert plante.text == PLANTE_TEXT
    # Its first line is a sentence no longer than an article's shortest, with nothing of a
    # tweet's own (no entity, no emoji, no first person); only the "J'en…" below points back
    # to it. Kept, and flagged: the reading without it stays beside the text.
    assert plante.text_uncertain is True
    assert plante.text_alternative == PLANTE_TEXT.split("\n", 1)[1]
    assert plante.mentions == ("brunomarchand", "evbeaudin", "BelisleFrance", "corim_mcfr")
    assert plante.hashtags == ("CORIM", "polmtl")
    assert plante.cashtags == ()
    assert plante.links == ()
    assert plante.media == (
        Media("https://pic.twitter.com/fic7j4aKUV", "pic.twitter.com/fic7j4aKUV"),
    )
    assert plante.key.startswith("t-")


def test_seed_actualite_every_field() -> None:
    _, tweets = _seed_tweets()
    actualite = tweets[1]
    assert actualite.author == "L’actualité"
    assert actualite.handle == "Lactualite"
    assert actualite.date == "2023-04-13"
    assert actualite.id is None
    assert actualite.lang is None
    assert actualite.text == ACTUALITE_TEXT
    assert (actualite.text_uncertain, actualite.text_alternative) == (False, None)
    assert actualite.mentions == ("stpierre_ch",)
    assert actualite.hashtags == ()
    assert actualite.links == (Link("https://t.co/q2id0wiOXj", "https://t.co/q2id0wiOXj", None),)
    assert actualite.media == ()


def test_seed_evidence_is_the_exact_text() -> None:
    doc, _ = _seed_tweets()
    text = SEED.read_text(encoding="utf-8")
    for found in doc.found:
        assert found.snippet in text
        assert found.markup == "flattened text"
    assert doc.found[0].snippet.startswith("Les villes s’imposent")
    assert doc.found[0].snippet.endswith("— Valérie Plante (@Val_Plante) April 12, 2023")


def test_seed_keys_are_stable() -> None:
    _, first = _seed_tweets()
    _, second = _seed_tweets()
    assert [t.key for t in first] == [t.key for t in second]
    assert first[0].key != first[1].key
