"""Publisher containers: id-only CMS containers, renamed embeds, Substack cards, live blogs.

Each snippet follows markup that publishers' templates and tools really emit (named in each
case: Substack's three card generations as kept by converters' test suites — html-to-markdown,
Ghost's Substack migrator, rss2nostr, Substack normalisers —, CMS editors that wrap oEmbed
HTML in ``div.embed-twitter[data-embed-type]``, the Vox Media ``c-oembed`` consent
placeholder, CKEditor's media embed, Medium's embedly iframes, Drupal's media oEmbed iframe,
note.com's figures, the s9e MediaEmbed frames of XenForo / phpBB forums). The live-blog entry
follows the issue's description of the 2015 page (its markup is not public here), and the
``data-provider="x"`` / ``embed--x`` cases are the pattern's own edges. The negatives are the
page chrome every news page carries.
"""

from __future__ import annotations

import html

import pytest

from archiver.extract import extract_bytes
from archiver.model import Media, Tweet


def tweets_of(markup: str, name: str = "article.html") -> list[Tweet]:
    page = f"<html><head><title>t</title></head><body><article>{markup}</article></body></html>"
    return [f.tweet for f in extract_bytes(page.encode("utf-8"), name).found]


def stub(markup: str) -> Tweet:
    found = tweets_of(markup)
    assert len(found) == 1, found
    assert found[0].text is None
    return found[0]


ID = "1646195010880393216"
URL = f"https://twitter.com/Val_Plante/status/{ID}"


@pytest.mark.parametrize(
    ("markup", "handle"),
    [
        # The page: a CMS wrapper with generic attributes (11 tweets on one page).
        (
            f'<div class="article-embed embed-twitter" data-embed-type="twitter" '
            f'data-embed-id="{ID}"></div>',
            None,
        ),
        (
            f'<div class="social-embed" data-social-embedded="twitter" data-href="{URL}"></div>',
            "Val_Plante",
        ),
        # Vox Media's consent placeholder.
        (
            f'<div class="c-oembed" data-oembed-url="https://x.com/Val_Plante/status/{ID}" '
            'data-consent="social"><p>Accept cookies to view this content.</p></div>',
            "Val_Plante",
        ),
        # A CMS editor's social card (its header is chrome, not the tweet).
        (
            '<div class="social-embed-card twitter-embed" data-embed-type="twitter" '
            f'data-url="{URL}"><div class="embed-header"><span>𝕏 / Twitter</span>'
            f'<a href="{URL}" target="_blank">View post</a></div></div>',
            "Val_Plante",
        ),
        # Placeholders a reader script fills later.
        (f'<p data-embed-type="twitter" data-tweet-id="{ID}">[[TWEET:{ID}]]</p>', None),
        (
            f'<span class="tweet-placeholder-span" data-embed-type="twitter" data-tweet-id="{ID}" '
            f'data-original-url="{URL}" style="display: none;"></span>',
            "Val_Plante",
        ),
        (f'<div data-provider="x" data-id="{ID}"></div>', None),
        (f'<div class="embed embed--x" data-status="Val_Plante/status/{ID}"></div>', "Val_Plante"),
        # amp-twitter with the whole status URL in data-tweetid.
        (
            f'<amp-twitter width="375" height="472" layout="responsive" data-tweetid="{URL}">'
            "</amp-twitter>",
            None,
        ),
        # Medium's export: an embedly iframe whose query holds the percent-encoded status URL.
        (
            '<iframe src="https://cdn.embedly.com/widgets/media.html?type=text%2Fhtml&amp;'
            "key=a19fcc184b9711e1b4764040d3dc5c07&amp;schema=twitter&amp;url=https%3A//twitter"
            f'.com/Val_Plante/status/{ID}&amp;image=https%3A//i.embed.ly/1/image" '
            'width="500" height="281"></iframe>',
            "Val_Plante",
        ),
        # CKEditor 5's media embed, as saved by the CMSs that use it (non-semantic and
        # semantic output).
        (
            f'<figure class="media"><div data-oembed-url="{URL}">[Media preview]</div></figure>',
            "Val_Plante",
        ),
        (f'<figure class="media"><oembed url="{URL}"></oembed></figure>', "Val_Plante"),
        # note.com's figure (hydrated by its own client), and a feed reader's normalised div.
        (
            '<figure name="80c4d437-61f6-4500-9007-1a4ac10bdd2e" data-src="https://x.com/'
            f'Val_Plante/status/{ID}" data-identifier="n1234" embedded-service="twitter" '
            'embedded-content-key="emb123"></figure>',
            "Val_Plante",
        ),
        (
            f'<div data-embed-provider="twitter" data-embed-id="{ID}" data-embed-src="https://'
            f'platform.twitter.com/embed/Tweet.html?id={ID}"></div>',
            None,
        ),
        # The s9e MediaEmbed frame of XenForo / phpBB forums: the id in the URL's fragment.
        (
            '<span data-s9e-mediaembed="twitter" style="display:inline-block;width:100%;'
            'max-width:550px"><iframe data-s9e-mediaembed="twitter" allow="autoplay *" '
            'allowfullscreen="" loading="lazy" scrolling="no" style="height:186px;width:550px"'
            f' src="https://s9e.github.io/iframe/2/twitter.min.html#{ID}"></iframe></span>',
            None,
        ),
        # A proxy front-end's status URL (fxtwitter republishes the status at the same path).
        (
            '<div class="embed-tweet" data-url="https://fxtwitter.com/Val_Plante/status/'
            f'{ID}"></div>',
            "Val_Plante",
        ),
        # Drupal core's media oEmbed iframe.
        (
            '<iframe src="/media/oembed?url=https%3A//twitter.com/Val_Plante/status/'
            f'{ID}&amp;max_width=0&amp;max_height=0&amp;hash=Xr3" class="media-oembed-content" '
            'title="Valérie Plante on Twitter"></iframe>',
            "Val_Plante",
        ),
    ],
)
def test_id_only_containers_are_stubs(markup: str, handle: str | None) -> None:
    tweet = stub(markup)
    assert tweet.id == ID
    assert tweet.handle == handle
    assert tweet.created_at == "2023-04-12T16:54:10.075Z"


def test_amp_twitter_with_status_url_keeps_the_handle_of_its_placeholder() -> None:
    tweet = stub(f'<amp-twitter data-tweetid="{URL}" width="1" height="1"></amp-twitter>')
    assert tweet.url == f"https://twitter.com/i/web/status/{ID}"


CANONICAL = (
    '<blockquote class="twitter-tweet"><p lang="fr" dir="ltr">Les villes s’imposent comme '
    "des actrices incontournables des relations internationales.</p>&mdash; Valérie Plante "
    f'(@Val_Plante) <a href="{URL}?ref_src=twsrc%5Etfw">April 12, 2023</a></blockquote>'
)


def test_container_around_a_full_embed_counts_once() -> None:
    # The CMS wrapper an oEmbed transformer emits around publish.twitter.com's HTML.
    found = tweets_of(
        f'<div data-embed-type="twitter" class="embed-twitter" data-embed-id="{ID}">'
        f"{CANONICAL}</div>"
    )
    assert len(found) == 1
    assert found[0].text and found[0].text.startswith("Les villes")
    assert found[0].author == "Valérie Plante"


def test_ckeditor4_media_embed_with_its_blockquote_is_read_in_full() -> None:
    # CKEditor 4's Media Embed plugin keeps the provider's HTML inside the wrapper.
    found = tweets_of(f'<div data-oembed-url="{URL}">{CANONICAL}</div>')
    assert len(found) == 1
    assert found[0].text and found[0].author == "Valérie Plante"


def test_stub_and_full_embed_of_the_same_tweet_elsewhere_on_the_page_count_once() -> None:
    found = tweets_of(
        f'<div class="embed-twitter" data-embed-type="twitter" data-embed-id="{ID}"></div>'
        f"<p>Later in the article:</p>{CANONICAL}"
    )
    assert len(found) == 1
    assert found[0].text is not None


def test_lazy_loader_renamed_blockquote_is_read_in_full() -> None:
    renamed = CANONICAL.replace(
        'class="twitter-tweet"', 'class="lazy-content" data-twitter="twitter-tweet"'
    )
    found = tweets_of(renamed)
    assert len(found) == 1
    assert found[0].id == ID
    assert found[0].author == "Valérie Plante"
    assert found[0].lang == "fr"
    assert found[0].text == (
        "Les villes s’imposent comme des actrices incontournables des relations internationales."
    )


@pytest.mark.parametrize(
    "markup",
    [
        # Share and follow buttons, intent links, AddThis.
        f'<a href="https://twitter.com/share" class="twitter-share-button" data-url="{URL}">'
        "Tweet</a>",
        f'<div class="share-twitter" data-url="{URL}"></div>',
        '<a class="twitter-follow-button" href="https://twitter.com/Val_Plante">Follow</a>',
        f'<div class="social-share twitter" data-href="https://twitter.com/intent/tweet?url={URL}">'
        "</div>",
        '<a class="addthis_button_tweet"></a>',
        # A timeline widget: its number is a widget id, not a status.
        '<a class="twitter-timeline" data-widget-id="347847312349614081" '
        'href="https://twitter.com/Val_Plante">Tweets by @Val_Plante</a>',
        '<div class="twitter-feed" data-widget-id="347847312349614081"></div>',
        # A user id on a provider-named element.
        '<div class="twitter-profile" data-user-id="1234567890123456789"></div>',
        # A link to a tweet in prose, and a data blob that mentions one.
        f'<p>As <a href="{URL}">the mayor said</a>, cities matter.</p>',
        f'<div class="tweet-data" data-props=\'{{"text": "see {URL}"}}\'></div>',
        # A WordPress post's taxonomy classes around a link to a status.
        f'<div class="post tag-twitter category-tweet"><p>Read <a href="{URL}">this</a>.</p></div>',
        # A number that is not an id (too short) on a provider-named element.
        '<div class="embed-twitter" data-embed-id="12345"></div>',
    ],
)
def test_chrome_and_prose_are_not_tweets(markup: str) -> None:
    assert tweets_of(markup) == []


def test_twitter_meta_tags_are_not_tweets() -> None:
    page = (
        '<html><head><meta name="twitter:card" content="summary">'
        f'<meta name="twitter:url" content="{URL}"><meta property="og:url" content="{URL}">'
        "</head><body><p>Nothing embedded.</p></body></html>"
    )
    assert extract_bytes(page.encode(), "a.html").found == ()


def _attrs(data: dict) -> str:
    import json

    return html.escape(json.dumps(data, ensure_ascii=False), quote=True)


def test_substack_2020_card_read_in_full() -> None:
    # html-to-markdown's "tweet" fixture (a Substack post of June 2020), verbatim layout.
    attrs = _attrs(
        {
            "url": "https://twitter.com/kroger/status/1271516803756425218",
            "full_text": "As a company, it’s our responsibility to better support our Black "
            "associates, customers and allies. ",
            "username": "kroger",
            "name": "Kroger",
            "date": "Fri Jun 12 18:56:44 +0000 2020",
            "photos": [
                {
                    "img_url": "https://pbs.substack.com/media/EaVVy4aXsAglkCk.jpg",
                    "link_url": "https://t.co/DxScre83q4",
                }
            ],
            "quoted_tweet": {},
            "retweet_count": 17,
            "like_count": 93,
            "expanded_url": {},
        }
    )
    markup = (
        f'<div class="tweet" data-attrs="{attrs}">\n<a href="https://twitter.com/kroger/status/'
        '1271516803756425218" target="_blank"><div class="tweet-header"><img class="tweet-user-'
        'avatar" src="https://cdn.substack.com/image/twitter_name/w_36/kroger.jpg"><span class='
        '"tweet-author-name">Kroger </span><span class="tweet-author">@kroger</span></div>\n'
        "<p>As a company, it’s our responsibility to better support our Black associates, "
        'customers and allies. </p>\n<img class="tweet-photo" src="https://cdn.substack.com/'
        'image/fetch/w_600/EaVVy4aXsAglkCk.jpg"><div class="tweet-footer"><p class="tweet-date">'
        'June 12th 2020</p><span class="retweets"><span class="rt-count">17</span> Retweets'
        "</span></div></a></div>"
    )
    (tweet,) = tweets_of(markup)
    assert tweet.id == "1271516803756425218"
    assert tweet.handle == "kroger"
    assert tweet.author == "Kroger"
    assert tweet.date == "2020-06-12"
    assert tweet.text == (
        "As a company, it’s our responsibility to better support our Black associates, "
        "customers and allies."
    )
    assert tweet.media == (Media("https://t.co/DxScre83q4", "t.co/DxScre83q4"),)


def test_substack_twitter2todom_card_with_links_and_quoted_tweet() -> None:
    # The 2021– generation (data-component-name="Twitter2ToDOM"): full_text carries HTML
    # (tweet-fake-link spans, tweet-url anchors); a quoted tweet has text, username and name.
    attrs = _attrs(
        {
            "url": "https://twitter.com/OKDunc/status/1314065374480986114",
            "full_text": "40K 😸🤫\n\nThrilled to help build and refine "
            '<span class="tweet-fake-link">@Collab_Land_</span>... new features on the way 🛳 '
            '<a class="tweet-url" href="https://collab.land">collab.land</a> ',
            "username": "OKDunc",
            "name": "jamesduncan.eth 😸",
            "date": "Thu Oct 08 04:49:34 +0000 2020",
            "photos": [],
            "quoted_tweet": {
                "full_text": "30K users now touching the @Collab_Land_ system 🤲🤖 "
                "https://t.co/FtrqnUZSuR",
                "username": "OKDunc",
                "name": "jamesduncan.eth 😸",
            },
            "retweet_count": 2,
            "like_count": 34,
            "expanded_url": {},
            "video_url": None,
            "belowTheFold": True,
        }
    )
    markup = (
        f'<div class="tweet" data-attrs="{attrs}" data-component-name="Twitter2ToDOM">'
        '<a class="tweet-link-top" href="https://twitter.com/OKDunc/status/1314065374480986114"'
        ' target="_blank"><div class="tweet-header"><img class="tweet-header-avatar" src="'
        'https://substackcdn.com/image/twitter_name/w_96/OKDunc.jpg" alt="Twitter avatar for '
        '@OKDunc" loading="lazy"><div class="tweet-header-text"><span class="tweet-author-name">'
        'jamesduncan.eth 😸 </span><span class="tweet-author-handle">@OKDunc</span></div></div>'
        '<div class="tweet-text">40K 😸🤫 Thrilled to help build and refine @Collab_Land_... '
        'new features on the way 🛳</div></a><a class="tweet-link-bottom" href="https://twitter'
        '.com/OKDunc/status/1314065374480986114" target="_blank"><div class="tweet-footer">'
        '<p class="tweet-date">4:49 AM ∙ Oct 8, 2020</p></div></a></div>'
    )
    found = tweets_of(markup)
    assert len(found) == 2, found
    tweet, quoted = found
    assert tweet.id == "1314065374480986114"
    assert tweet.text == (
        "40K 😸🤫\n\nThrilled to help build and refine @Collab_Land_... new features on the way "
        "🛳 collab.land"
    )
    assert tweet.mentions == ("Collab_Land_",)
    assert tweet.links[0].url == "https://collab.land"
    assert tweet.date == "2020-10-08"
    assert tweet.author == "jamesduncan.eth 😸"
    assert quoted.id is None
    assert quoted.handle == "OKDunc"
    assert (
        quoted.text
        == "30K users now touching the @Collab_Land_ system 🤲🤖 https://t.co/FtrqnUZSuR"
    )


def test_substack_2025_card_inside_its_link() -> None:
    # rss2nostr's fixture: a.twitter-embed around div.twitter-embed[data-attrs], ISO date.
    attrs = _attrs(
        {
            "url": "https://x.com/jlrosing/status/2002193593503764743",
            "full_text": "@ricwe123 Merz who was the European CEO in Blackrock",
            "username": "jlrosing",
            "name": "John Rosing",
            "date": "2025-12-20T01:00:00.000Z",
        }
    )
    markup = (
        '<p>Merz made similar arrangements.[43]</p><a href="https://x.com/jlrosing/status/'
        '2002193593503764743" data-component-name="Twitter2ToDOM" class="pencraft '
        f'twitter-embed"><div data-attrs="{attrs}" class="twitter-embed"><img src="https://pbs.'
        'substack.com/profile_images/1620382619350310915/VZGJUj1D.jpg" alt="X avatar for '
        '@jlrosing"><span>John Rosing</span><span>@jlrosing</span><div>@ricwe123 Merz who was '
        'the European CEO in Blackrock</div><a href="/photo/1">/photo/1</a></div></a>'
    )
    (tweet,) = tweets_of(markup)
    assert tweet.id == "2002193593503764743"
    assert tweet.url == "https://x.com/jlrosing/status/2002193593503764743"
    assert tweet.author == "John Rosing"
    assert tweet.text == "@ricwe123 Merz who was the European CEO in Blackrock"


def test_substack_post_with_nine_cards_gives_nine_tweets() -> None:
    cards = []
    for n in range(9):
        tweet_id = str(1283591846464233474 + n)
        attrs = _attrs(
            {
                "url": f"https://twitter.com/TwitterSupport/status/{tweet_id}?s=20",
                "full_text": f"Update {n}: we detected a coordinated attack.",
                "username": "TwitterSupport",
                "name": "Twitter Support",
                "date": "Thu Jul 16 02:38:38 +0000 2020",
            }
        )
        cards.append(
            f'<p>Paragraph {n}.</p><div class="tweet" data-attrs="{attrs}" '
            'data-component-name="Twitter2ToDOM"><a class="tweet-link-top" href="https://'
            f'twitter.com/TwitterSupport/status/{tweet_id}?s=20"></a><div class="tweet-text">'
            f"Update {n}: we detected a coordinated attack.</div></div>"
        )
    found = tweets_of("".join(cards))
    assert [t.text for t in found] == [
        f"Update {n}: we detected a coordinated attack." for n in range(9)
    ]
    assert all(t.url and "?" not in t.url for t in found)


def test_live_blog_tweet_entries() -> None:
    # A 2015 live blog whose CMS renders each post as a list entry of its own kind.
    markup = (
        '<ul class="liveblog-entries">'
        '<li class="liveblog-entry entry-type-TEXT"><span class="entry-time">05.20</span>'
        "<p>Seventh body has reportedly been found.</p></li>"
        '<li class="liveblog-entry entry-type-TWEET"><span class="entry-time">05.24</span>'
        '<div class="entry-author">Reuters Top News</div>'
        "<p>Search area widened after debris sighting off the coast #MH370</p>"
        '<a href="https://twitter.com/Reuters/status/602331233489944576">May 24, 2015</a></li>'
        '<li class="liveblog-entry entry-type-TWEET"><p>Second tweet of the blog.</p>'
        '<a href="https://twitter.com/AP/status/602331233489944577">May 24, 2015</a></li>'
        "</ul>"
    )
    found = tweets_of(markup)
    assert [(t.id, t.handle, t.text) for t in found] == [
        (
            "602331233489944576",
            "Reuters",
            "Search area widened after debris sighting off the coast #MH370",
        ),
        ("602331233489944577", "AP", "Second tweet of the blog."),
    ]
    assert found[0].hashtags == ("MH370",)
    assert found[0].date == "2015-05-24"
