"""One test per embed markup, on snippets written from real embed code.

The canonical snippet is publish.twitter.com's output; variants follow the pages in
../shared/corpus (named in each case) and the AMP / WordPress / Hugo / Eleventy / Jekyll /
MDX documentation of each embed form.
"""

from __future__ import annotations

import pytest

from archiver.extract import extract_bytes
from archiver.model import Link, Media, Tweet

CANONICAL = (
    '<blockquote class="twitter-tweet"><p lang="fr" dir="ltr">Les villes s’imposent '
    "comme des actrices incontournables des relations internationales.<br><br>J’en discuterai "
    'avec <a href="https://twitter.com/brunomarchand?ref_src=twsrc%5Etfw">@brunomarchand</a> '
    '<a href="https://twitter.com/hashtag/CORIM?src=hash&amp;ref_src=twsrc%5Etfw">#CORIM</a> '
    '<a href="https://t.co/fic7j4aKUV">pic.twitter.com/fic7j4aKUV</a></p>&mdash; Valérie '
    'Plante (@Val_Plante) <a href="https://twitter.com/Val_Plante/status/1646195010880393216'
    '?ref_src=twsrc%5Etfw">April 12, 2023</a></blockquote> <script async '
    'src="https://platform.twitter.com/widgets.js" charset="utf-8"></script>'
)


def tweets_of(text: str, name: str = "article.html") -> list[Tweet]:
    return [f.tweet for f in extract_bytes(text.encode("utf-8"), name).found]


def only(text: str, name: str = "article.html") -> Tweet:
    found = tweets_of(text, name)
    assert len(found) == 1, found
    return found[0]


def test_canonical_embed_every_field() -> None:
    tweet = only(f"<html><body><p>Intro</p>{CANONICAL}</body></html>")
    assert tweet.id == "1646195010880393216"
    assert tweet.key == tweet.id
    assert tweet.url == "https://twitter.com/Val_Plante/status/1646195010880393216"
    assert tweet.author == "Valérie Plante"
    assert tweet.handle == "Val_Plante"
    assert tweet.date == "2023-04-12"
    assert tweet.created_at == "2023-04-12T16:54:10.075Z"
    assert tweet.lang == "fr"
    assert tweet.text == (
        "Les villes s’imposent comme des actrices incontournables des relations "
        "internationales.\n\nJ’en discuterai avec @brunomarchand #CORIM pic.twitter.com/fic7j4aKUV"
    )
    assert tweet.mentions == ("brunomarchand",)
    assert tweet.hashtags == ("CORIM",)
    assert tweet.links == ()
    assert tweet.media == (Media("https://t.co/fic7j4aKUV", "pic.twitter.com/fic7j4aKUV"),)


def test_2012_embed_with_data_datetime_and_s_b_mentions() -> None:
    # ashfurrow-blog__2012-09-02: lang on the blockquote, <s>@</s><b>user</b>, title= holds
    # the expanded URL, /statuses/ path, data-datetime on the date link.
    tweet = only(
        '<blockquote class="twitter-tweet" lang="en"><p><a href="https://twitter.com/ashfurrow">'
        "<s>@</s><b>ashfurrow</b></a> consider this: "
        '<a href="http://t.co/mXRmjFrg" title="http://stackoverflow.com/a/7713512/1034477">'
        "stackoverflow.com/a/7713512/1034…</a></p>&mdash; Ryder Mackay (@rydermackay) "
        '<a href="https://twitter.com/rydermackay/statuses/242393643154022400" '
        'data-datetime="2012-09-02T22:48:42+00:00">September 2, 2012</a></blockquote>'
    )
    assert tweet.id == "242393643154022400"
    assert tweet.lang == "en"
    assert tweet.mentions == ("ashfurrow",)
    assert tweet.links == (
        Link(
            "http://t.co/mXRmjFrg",
            "stackoverflow.com/a/7713512/1034…",
            "http://stackoverflow.com/a/7713512/1034477",
        ),
    )
    assert tweet.created_at == "2012-09-02T22:48:42.641Z"


def test_pre_snowflake_id_takes_time_from_data_datetime() -> None:
    tweet = only(
        '<blockquote class="twitter-tweet"><p>just setting up my twttr</p>&mdash; jack '
        '(@jack) <a href="https://twitter.com/jack/status/20" '
        'data-datetime="2006-03-21T20:50:14+00:00">March 21, 2006</a></blockquote>'
    )
    assert tweet.id == "20"
    assert tweet.created_at == "2006-03-21T20:50:14Z"
    assert tweet.date == "2006-03-21"


def test_x_com_links_and_twitter_video() -> None:
    tweet = only(
        '<blockquote class="twitter-video" data-lang="en"><p lang="en" dir="ltr">Owl bet '
        '<a href="https://t.co/eJh4f2zncC">pic.x.com/eJh4f2zncC</a></p>&mdash; San Diego Zoo '
        '(@sandiegozoo) <a href="https://x.com/sandiegozoo/status/1453110110599868418?ref_src=t">'
        "October 26, 2021</a></blockquote>"
    )
    assert tweet.url == "https://x.com/sandiegozoo/status/1453110110599868418"
    assert tweet.media[0].display == "pic.x.com/eJh4f2zncC"


def test_wordpress_credit_in_its_own_paragraph_with_literal_dash() -> None:
    # trafilatura__basicthinking.de: wpautop wrapped the credit line in <p>, U+2014 literal.
    tweet = only(
        '<blockquote class="twitter-tweet" data-lang="de"><p dir="ltr" lang="de">Erster '
        "Absatz.</p>\n<p>Zweiter Absatz.</p>\n<p>— Peter Wittkamp🐬 (@diktator) "
        '<a href="https://twitter.com/diktator/status/1044502590266978309?ref_src=x">'
        "25. September 2018</a></p></blockquote>"
    )
    assert tweet.text == "Erster Absatz.\n\nZweiter Absatz."
    assert tweet.author == "Peter Wittkamp🐬"
    assert tweet.date == "2018-09-25"


def test_figure_wp_block_embed_twitter() -> None:
    tweet = only(
        '<figure class="wp-block-embed is-type-rich is-provider-twitter '
        'wp-block-embed-twitter"><div class="wp-block-embed__wrapper">'
        '<blockquote class="twitter-tweet" data-width="550" data-dnt="true"><p lang="en" '
        'dir="ltr">Hello from WordPress</p>&#x2014; WordPress (@WordPress) <a href="https://'
        'twitter.com/WordPress/status/1280905231470452736?ref_src=twsrc%5Etfw">July 8, 2020</a>'
        "</blockquote></div></figure>"
    )
    assert (tweet.handle, tweet.author, tweet.date) == ("WordPress", "WordPress", "2020-07-08")


@pytest.mark.parametrize(
    ("credit", "author", "handle"),
    [
        ("Maggie Williams @ XOXO (@pdxmaggie)", "Maggie Williams @ XOXO", "pdxmaggie"),
        ("Sheng (Arnold) Shen (@shengs1123)", "Sheng (Arnold) Shen", "shengs1123"),
        ("Fan (@notme) of (@realone)", "Fan (@notme) of", "realone"),
        (
            "Tzippy Yarom &#x635;&#x650;&#x67E;&#x648;&#x631;&#x629; (@zpyarom)",
            "Tzippy Yarom صِپورة",
            "zpyarom",
        ),
        ("Katie 💖💜💙 Yay! (@KatieKaitchuck)", "Katie 💖💜💙 Yay!", "KatieKaitchuck"),
    ],
)
def test_handle_is_the_last_group(credit: str, author: str, handle: str) -> None:
    tweet = only(
        f'<blockquote class="twitter-tweet"><p>Text</p>&mdash; {credit} <a href="https://'
        f'twitter.com/{handle}/status/1170781794532093954">September 8, 2019</a></blockquote>'
    )
    assert (tweet.author, tweet.handle) == (author, handle)


def test_period_after_mention_is_not_part_of_it() -> None:
    tweet = only(
        '<blockquote class="twitter-tweet"><p>Thanks @carol. See you @dave!</p>&mdash; Bob '
        '(@bob) <a href="https://twitter.com/bob/status/1170781794532093954">Sep 8, 2019</a>'
        "</blockquote>"
    )
    assert tweet.mentions == ("carol", "dave")


def test_glued_links_split_by_markup() -> None:
    # trafilatura__cducsu.de: <a>…/iONyQpdFwy</a><a>#COP26</a> with no space between.
    tweet = only(
        '<blockquote class="twitter-tweet"><p lang="de" dir="ltr">Mehr: <a href="https://t.co/'
        'iONyQpdFwy">https://t.co/iONyQpdFwy</a><a href="https://twitter.com/hashtag/COP26?src='
        'hash">#COP26</a><a href="https://t.co/x1">pic.twitter.com/x1</a></p>— CDU/CSU '
        '(@cducsubt) <a href="https://twitter.com/cducsubt/status/1455587574839398406">'
        "November 2, 2021</a></blockquote>"
    )
    assert tweet.hashtags == ("COP26",)
    assert tweet.links == (Link("https://t.co/iONyQpdFwy", "https://t.co/iONyQpdFwy"),)
    assert tweet.author == "CDU/CSU"


def test_percent_encoded_hashtag_href_uses_shown_text() -> None:
    tweet = only(
        '<blockquote class="twitter-tweet"><p lang="ar" dir="rtl"><a href="https://twitter.com/'
        'hashtag/%D8%AD%D8%A7%D8%B3%D9%88%D8%A8%D9%8A%D8%A7%D8%AA?src=hash">#حاسوبيات</a>'
        '<br>بحث سينشر</p>&mdash; Saif (@SaifAlHarthi) <a href="https://twitter.com/SaifAlHarthi/'
        'status/1377935373556051969">April 2, 2021</a></blockquote>'
    )
    assert tweet.hashtags == ("حاسوبيات",)
    assert tweet.lang == "ar"
    assert tweet.text == "#حاسوبيات\nبحث سينشر"


def test_localized_date_link_ignores_data_lang() -> None:
    tweet = only(
        '<blockquote class="twitter-tweet" data-lang="en"><p lang="ru">Привет</p>&mdash; Имя '
        '(@someone) <a href="https://twitter.com/someone/status/996776219412365313">'
        "16 мая 2018 г.</a></blockquote>"
    )
    assert tweet.date == "2018-05-16"
    assert tweet.lang == "ru"


@pytest.mark.parametrize(
    "markup",
    [
        # AMP with a placeholder blockquote (amp.dev's amp-twitter example).
        '<amp-twitter width="375" height="472" layout="responsive" '
        'data-tweetid="885634330868850689"><blockquote placeholder class="twitter-tweet" '
        'data-lang="en"><p lang="en" dir="ltr">Hello AMP</p>&mdash; AMP (@AMPhtml) '
        '<a href="https://twitter.com/AMPhtml/status/885634330868850689">July 13, 2017</a>'
        "</blockquote></amp-twitter>",
        # The same placeholder without the class.
        '<amp-twitter width="375" height="472" layout="responsive" '
        'data-tweetid="885634330868850689"><blockquote placeholder><p lang="en" dir="ltr">'
        'Hello AMP</p>&mdash; AMP (@AMPhtml) <a href="https://twitter.com/AMPhtml/status/'
        '885634330868850689">July 13, 2017</a></blockquote></amp-twitter>',
    ],
)
def test_amp_with_placeholder(markup: str) -> None:
    tweet = only(f"<html><body>{markup}</body></html>")
    assert (tweet.id, tweet.handle, tweet.text) == ("885634330868850689", "AMPhtml", "Hello AMP")


def test_amp_without_placeholder_is_a_stub() -> None:
    tweet = only(
        '<amp-twitter width="375" height="472" data-tweetid="885634330868850689"></amp-twitter>'
    )
    assert tweet.id == "885634330868850689"
    assert tweet.text is None
    assert tweet.created_at == "2017-07-13T22:57:33.426Z"
    assert tweet.url == "https://twitter.com/i/web/status/885634330868850689"


@pytest.mark.parametrize(
    "markup",
    [
        # readability__breitbart: post-render iframe, no src.
        '<iframe id="twitter-widget-0" class="twitter-tweet twitter-tweet-rendered" '
        'data-tweet-id="800384752746254337" title="Twitter Tweet"></iframe>',
        # postlight__buzzfeed: only src= carries the id; creatorScreenName is the site's.
        '<div class="twitter-tweet twitter-tweet-rendered"><iframe title="Twitter Tweet" src="'
        "https://platform.twitter.com/embed/Tweet.html?creatorScreenName=katiejmbaker&amp;"
        'id=800384752746254337&amp;lang=en&amp;siteScreenName=buzzfeednews"></iframe></div>',
        # A CMS container with only the id.
        '<div class="embed-twitter" data-tweet-id="800384752746254337"></div>',
    ],
)
def test_saved_after_widgets_js_is_a_stub(markup: str) -> None:
    tweet = only(markup)
    assert tweet.id == "800384752746254337"
    assert tweet.handle is None  # never the article's creatorScreenName
    assert tweet.text is None


def test_link_only_blockquote_is_a_stub_with_handle() -> None:
    # trafilatura__tag24: <a href=status>&nbsp;</a> only.
    tweet = only(
        '<blockquote class="twitter-tweet" lang="de"><a href="https://twitter.com/'
        'BreakingItalyNe/status/1185544789728616448">&nbsp;</a></blockquote>'
    )
    assert (tweet.id, tweet.handle, tweet.text) == ("1185544789728616448", "BreakingItalyNe", None)


def test_embed_parked_in_textarea_by_consent_manager() -> None:
    # trafilatura__amnesty.de: the embed is RCDATA text inside a hidden textarea.
    inner = CANONICAL.replace("&", "&amp;").replace("<", "&lt;")
    tweet = only(
        f'<textarea class="third-party-services--original-content" hidden>{inner}</textarea>'
    )
    assert tweet.handle == "Val_Plante"


def test_copies_count_once_and_json_escaped_copy_is_ignored() -> None:
    escaped = CANONICAL.replace('"', '\\"').replace("/", "\\/")
    page = f'<div>{CANONICAL}</div><p>{CANONICAL}</p><script>var x = "{escaped}";</script>'
    assert len(tweets_of(page)) == 1


@pytest.mark.parametrize(
    "markup",
    [
        '<a href="https://twitter.com/share" class="twitter-share-button">Tweet</a>',
        '<iframe class="twitter-share-button twitter-tweet-button" title="Twitter Tweet Button" '
        'src="https://platform.twitter.com/widgets/tweet_button.html?id=twitter-widget-0">'
        "</iframe>",
        '<meta name="twitter:card" content="summary"><meta name="twitter:site" content="@x">',
        '<p>As <a href="https://twitter.com/jack/status/20">jack wrote</a>, it began.</p>',
        '<blockquote class="instagram-media"><p>— Someone (@someone) June 1, 2020</p>'
        "</blockquote>".replace("<p>— ", "<p>"),
        "<blockquote><p>To be or not to be.</p>— William Shakespeare</blockquote>",
        '<blockquote class="tiktok-embed" cite="https://www.tiktok.com/@x/video/1"></blockquote>',
        '<script>document.write("<blockquote class=\\"twitter-tweet\\"><a href=\\"https://'
        'twitter.com/a/status/123456789\\"></a></blockquote>")</script>',
    ],
)
def test_not_tweets(markup: str) -> None:
    assert tweets_of(f"<html><body>{markup}</body></html>") == []


def test_plain_blockquote_with_full_credit_is_a_tweet() -> None:
    # A site that stripped the class but kept the embed's credit line.
    tweet = only(
        "<blockquote><p>Hello world</p>— Jack (@jack) "
        '<a href="https://twitter.com/jack/status/1170781794532093954">September 8, '
        "2019</a></blockquote>"
    )
    assert tweet.id == "1170781794532093954"


def test_rendered_widget_dom() -> None:
    tweet = only(
        '<div class="EmbeddedTweet"><blockquote class="Tweet h-entry" data-tweet-id="70075259812'
        '3433985"><div class="TweetAuthor"><span class="TweetAuthor-name">Kevin Marks</span>'
        '<span class="TweetAuthor-screenName">@kevinmarks</span></div><p class="Tweet-text" '
        'lang="en">Use util- instead.</p><a class="long-permalink" data-datetime="2016-02-19T18:'
        '43:33+0000" href="https://twitter.com/kevinmarks/status/700752598123433985"><time '
        'datetime="2016-02-19T18:43:33+0000">10:43 AM - 19 Feb 2016</time></a></blockquote></div>'
    )
    assert (tweet.author, tweet.handle, tweet.text, tweet.date) == (
        "Kevin Marks",
        "kevinmarks",
        "Use util- instead.",
        "2016-02-19",
    )


# -- Markdown, MDX, reST ------------------------------------------------------------------


def test_wordpress_block_before_oembed_is_a_stub() -> None:
    # A WordPress post as stored: the embed block holds only the status URL.
    tweet = only(
        '<figure class="wp-block-embed is-type-rich is-provider-twitter '
        'wp-block-embed-twitter"><div class="wp-block-embed__wrapper">\n'
        "https://twitter.com/jack/status/20\n</div></figure>"
    )
    assert (tweet.id, tweet.handle, tweet.text) == ("20", "jack", None)


@pytest.mark.parametrize(
    ("source", "tweet_id", "handle"),
    [
        ("[tweet https://twitter.com/jack/status/20]", "20", "jack"),
        ('[tweet 20 align="center"]', "20", None),
        ("[embed]https://x.com/jack/status/20[/embed]", "20", "jack"),
    ],
)
def test_wordpress_shortcodes(source: str, tweet_id: str, handle: str | None) -> None:
    tweet = only(f"Some text.\n\n{source}\n\nMore text.\n", "post.md")
    assert (tweet.id, tweet.handle, tweet.text) == (tweet_id, handle, None)


def test_wordpress_embed_of_another_site_is_not_a_tweet() -> None:
    assert tweets_of("[embed]https://www.youtube.com/watch?v=1[/embed]\n", "post.md") == []


@pytest.mark.parametrize(
    ("source", "tweet_id", "handle"),
    [
        (
            '{{< tweet user="SanDiegoZoo" id="1453110110599868418" >}}',
            "1453110110599868418",
            "SanDiegoZoo",
        ),
        ("{{< tweet 666616452582129664 >}}", "666616452582129664", None),
        ('{{< twitter user="spf13" id="666616452582129664" >}}', "666616452582129664", "spf13"),
        (
            '{{< x user="SanDiegoZoo" id="1453110110599868418" >}}',
            "1453110110599868418",
            "SanDiegoZoo",
        ),
        ('{% tweet "664180055778660352" %}', "664180055778660352", None),
        ("{% twitter https://twitter.com/jack/status/20 %}", "20", "jack"),
        ("{% twitter oembed https://x.com/jack/status/20 %}", "20", "jack"),
        ('<Tweet id="1511750228428435457" />', "1511750228428435457", None),
        ("<Tweet tweetId='664180055778660352'/>", "664180055778660352", None),
        (
            '<Tweet id="https://twitter.com/astrodotbuild/status/1511750228428435457" />',
            "1511750228428435457",
            "astrodotbuild",
        ),
    ],
)
def test_shortcodes_and_components(source: str, tweet_id: str, handle: str | None) -> None:
    tweet = only(f"# Post\n\nSome text.\n\n{source}\n\nMore text.\n", "post.md")
    assert (tweet.id, tweet.handle, tweet.text) == (tweet_id, handle, None)


def test_code_fences_are_documentation() -> None:
    source = (
        "# Docs\n\n```markdown\n{{< tweet 666616452582129664 >}}\n" + CANONICAL + "\n```\n\n"
        '~~~\n<Tweet id="20" />\n~~~\n\n{{</* x user="a" id="1" */>}}\n'
    )
    assert tweets_of(source, "docs.md") == []


def test_markdown_quote_block_with_credit() -> None:
    source = (
        "Some article text.\n\n"
        "> Les villes s’imposent comme des actrices incontournables.\n"
        ">\n"
        "> — Valérie Plante (@Val_Plante) April 12, 2023\n\n"
        "After.\n"
    )
    tweet = only(source, "post.md")
    assert tweet.text == "Les villes s’imposent comme des actrices incontournables."
    assert (tweet.handle, tweet.date) == ("Val_Plante", "2023-04-12")


def test_rst_raw_html_and_code_block() -> None:
    source = (
        "Title\n=====\n\n.. code-block:: html\n\n    "
        + CANONICAL.replace("1646195010880393216", "20")
        + "\n\n"
        ".. raw:: html\n\n    " + CANONICAL + "\n\nEnd.\n"
    )
    tweet = only(source, "post.rst")
    assert tweet.id == "1646195010880393216"


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("Hello there\n&mdash; Jane (@jane) March 3, 2020", "2020-03-03"),
        ("Hello there\n-- Jane (@jane) 3 mars 2020", "2020-03-03"),
        ("Hello there pic.twitter.com/abc — Jane (@jane) 2019年1月25日", "2019-01-25"),
        ("Hello there\n— Jane (@jane)", None),
        ("Hello there\n    — Jane (@jane)\n    March 3, 2020", "2020-03-03"),
    ],
)
def test_flattened_variants(text: str, date: str | None) -> None:
    tweet = only("Intro paragraph that is long enough to be prose. " * 6 + "\n" + text, "a.txt")
    assert tweet.handle == "jane"
    assert tweet.author == "Jane"
    assert tweet.date == date
    assert tweet.text.startswith("Hello there")


def test_flattened_stops_at_blank_line_and_previous_credit() -> None:
    text = (
        "Prose.\n\nFirst tweet\n— A (@a) May 1, 2020\nSecond tweet line one\nline two\n"
        "— B (@b) May 2, 2020\n"
    )
    first, second = tweets_of(text, "a.txt")
    assert first.text == "First tweet"
    assert second.text == "Second tweet line one\nline two"


def test_flattened_credit_without_valid_handle_is_not_a_tweet() -> None:
    assert (
        tweets_of(
            "A quote.\n— Albert Einstein\nAnother.\n— Someone (@) May 1, 2020\n"
            "And — Bob (@bob) said hi\n",
            "a.txt",
        )
        == []
    )


def test_flattened_copy_merges_into_embed_in_same_document() -> None:
    source = (
        CANONICAL + "\n\nLes villes s’imposent comme des actrices incontournables des relations "
        "internationales.\nJ’en discuterai avec @brunomarchand #CORIM pic.twitter.com/fic7j4aKUV\n"
        "— Valérie Plante (@Val_Plante) April 12, 2023\n"
    )
    tweet = only(source, "post.md")
    assert tweet.id == "1646195010880393216"
