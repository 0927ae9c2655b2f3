"""Source formats: linked-date credits, bare status URLs, tag patterns, writing platforms,
Org (pandoc), AsciiDoc, Jupyter, Quarto / R Markdown and WordPress exports.

Layouts follow real sources: the Markdown quote-with-credit that html-to-markdown converters
write (``> — Name (@handle) [date](status URL)``); remark-embedder's / WordPress's "URL on its
own line"; Zenn's ``@[tweet](URL)`` and Hatena Blog's ``[URL:embed]``; Jekyll's
``{% include twitter-card.html … contents="…" %}`` (elementary's blog template);
markdown-customblocks' ``::: twitter user id``; pandoc's HTML→Org output; Asciidoctor
passthrough blocks; nbformat 4 notebooks; WordPress WXR 1.2 exports.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from archiver.cli import cli
from archiver.extract import extract_bytes
from archiver.model import Tweet

ID = "1653051373557751808"
URL = f"https://twitter.com/mayor/status/{ID}"


def tweets_of(text: str, name: str) -> list[Tweet]:
    return [f.tweet for f in extract_bytes(text.encode("utf-8"), name).found]


def test_credit_line_with_linked_date_gives_the_id() -> None:
    post = (
        "The mayor answered within minutes:\n\n"
        "> Cities are where climate policy happens. #COP28\n>\n"
        f"> — Jane Mayor (@mayor) [May 1, 2023]({URL})\n\nMore prose.\n"
    )
    (tweet,) = tweets_of(post, "post.md")
    assert tweet.id == ID
    assert tweet.key == ID
    assert tweet.text == "Cities are where climate policy happens. #COP28"
    assert tweet.author == "Jane Mayor"
    assert tweet.date == "2023-05-01"


def test_linked_credit_and_shortcode_of_the_same_tweet_are_one_record() -> None:
    post = (
        f'{{{{< tweet user="mayor" id="{ID}" >}}}}\n\n'
        "> Cities are where climate policy happens.\n>\n"
        f"> — Jane Mayor (@mayor) [May 1, 2023]({URL})\n"
    )
    found = tweets_of(post, "post.md")
    assert len(found) == 1
    assert found[0].text == "Cities are where climate policy happens."


def test_bare_status_url_on_its_own_line_is_a_stub_and_merges_with_a_full_copy() -> None:
    post = (
        "Here is what she said:\n\n"
        f"{URL}\n\n"
        f"And <{URL.replace('twitter.com', 'x.com')}> is linked in a sentence, as is "
        f"[this one]({URL}).\n\n"
        "> Cities are where climate policy happens.\n>\n"
        "> — Jane Mayor (@mayor) May 1, 2023\n"
    )
    found = tweets_of(post, "post.md")
    ids = [t.id for t in found]
    assert ids.count(ID) == 1
    assert len([t for t in found if t.text is None]) == 1  # the stub; the quote is id-less


def test_bare_status_url_and_a_full_embed_of_the_same_tweet_count_once() -> None:
    post = (
        f"{URL}\n\nLater, the embed code:\n\n"
        '<blockquote class="twitter-tweet"><p lang="en" dir="ltr">Cities are where climate '
        'policy happens.</p>&mdash; Jane Mayor (@mayor) <a href="'
        f'{URL}?ref_src=twsrc%5Etfw">May 1, 2023</a></blockquote>\n'
    )
    (tweet,) = tweets_of(post, "post.md")
    assert tweet.id == ID
    assert tweet.text == "Cities are where climate policy happens."


@pytest.mark.parametrize(
    "line",
    [f"Read {URL} now.", f"- {URL}", f"> {URL}", f"    {URL}", f"```\n{URL}\n```"],
)
def test_status_url_in_prose_list_quote_or_code_is_not_an_embed(line: str) -> None:
    assert tweets_of(f"Intro.\n\n{line}\n\nOutro.\n", "post.md") == []


def test_bare_url_in_plain_text_stays_a_link() -> None:
    assert tweets_of(f"Intro.\n\n{URL}\n", "notes.txt") == []


@pytest.mark.parametrize(
    ("source", "name", "handle"),
    [
        # Zenn and Hatena Blog.
        (f"@[tweet]({URL})", "zenn.md", "mayor"),
        (f"[{URL}:embed#Cities are where]", "hatena.md", "mayor"),
        (f"[twitter:{ID}:detail]", "hatena.md", None),
        # Names nobody listed: the pattern, not a list.
        (f'{{{{< x-post "mayor/status/{ID}" >}}}}', "hugo.md", "mayor"),
        (f"{{{{% twitter_embed {URL} %}}}}", "hugo.md", "mayor"),
        (f"{{% twitterEmbed id: '{ID}' %}}", "hexo.md", None),
        (f'{{% include embeds/tweet.html user="mayor" id="{ID}" %}}', "jekyll.md", "mayor"),
        (f"<StaticTweet id={{'{ID}'}} />", "post.mdx", None),
        (f'<TwitterTweetEmbed tweetId="{ID}" />', "post.mdx", None),
        (f'<blog-tweet status="{URL}"></blog-tweet>', "post.mdx", "mayor"),
        (f"::: twitter mayor {ID} theme=dark lang=es", "custom.md", "mayor"),
        (f":::{{tweet}} {URL}", "myst.md", "mayor"),
        (f".. tweet:: {URL}", "post.rst", "mayor"),
        (f"tweet::{ID}[]", "post.adoc", None),
        (f"{{{{< embed {URL} >}}}}", "post.md", "mayor"),
    ],
)
def test_tag_patterns(source: str, name: str, handle: str | None) -> None:
    (tweet,) = tweets_of(f"Intro.\n\n{source}\n\nOutro.\n", name)
    assert tweet.id == ID
    assert tweet.handle == handle


@pytest.mark.parametrize(
    "source",
    [
        f"{{{{< embed {ID} >}}}}",  # "embed" alone with a bare number: anything's id
        f"{{{{< youtube {ID} >}}}}",
        f'<Gallery id="{ID}" />',
        "{% include footer.html %}",
    ],
)
def test_tags_that_do_not_name_the_provider(source: str) -> None:
    assert tweets_of(f"{source}\n", "post.md") == []


def test_component_wrapping_the_text_gives_the_text() -> None:
    mdx = (
        f'<Tweet id="{ID}" author="Jane Mayor" handle="mayor" date="May 1, 2023">\n'
        "  Cities are where climate policy happens.\n</Tweet>\n"
    )
    (tweet,) = tweets_of(mdx, "post.mdx")
    assert tweet.id == ID
    assert tweet.text == "Cities are where climate policy happens."
    assert tweet.date == "2023-05-01"


def test_jekyll_twitter_card_include_with_contents() -> None:
    # elementary/blog-template: _posts/2020-07-16-twitter-embeds.md.
    post = (
        "{% include twitter-card.html\n"
        '  name="Cassidy James Blaede"\n  account="CassidyJames"\n'
        '  avatar="https://www.gravatar.com/avatar/41275ecc8271aca852ce2c0ff72d2610"\n'
        '  id="1281816033343537152"\n  timestamp="Jul 10, 2020"\n'
        '  contents="Got my PINEBOOK Pro! Super duper first impressions: damn, this hardware '
        'quality is nice for the price."\n%}\n'
    )
    (tweet,) = tweets_of(post, "2020-07-16-twitter-embeds.md")
    assert tweet.id == "1281816033343537152"
    assert tweet.handle == "CassidyJames"
    assert tweet.author == "Cassidy James Blaede"
    assert tweet.date == "2020-07-10"
    assert tweet.text and tweet.text.startswith("Got my PINEBOOK Pro!")


def test_hugo_paired_shortcode_wrapping_text() -> None:
    post = f'{{{{< tweet user="mayor" id="{ID}" >}}}}Cities matter.{{{{< /tweet >}}}}\n'
    (tweet,) = tweets_of(post, "post.md")
    assert tweet.text == "Cities matter."


def test_org_pandoc_conversion_with_split_html_blocks_and_triple_dash() -> None:
    # pandoc -f html -t org of a page embedding a tweet: the blockquote's tags are raw HTML
    # blocks, its paragraphs Org text, the credit's em dash "---", the date an Org link.
    org = (
        "#+TITLE: Notes from the summit\n\n"
        "The mayor summed it up.\n\n"
        '#+begin_html\n  <blockquote class="twitter-tweet">\n#+end_html\n\n'
        '#+begin_html\n  <p lang="en" dir="ltr">\n#+end_html\n\n'
        "Cities are where climate policy happens.\n\n"
        "#+begin_html\n  </p>\n#+end_html\n\n"
        "--- Jane Mayor (@mayor)\n"
        f"[[{URL}?ref_src=twsrc%5Etfw][May 1, 2023]]\n\n"
        "#+begin_html\n  </blockquote>\n#+end_html\n\n"
        '#+begin_src html\n<blockquote class="twitter-tweet">code example</blockquote>\n'
        "#+end_src\n\n"
        '#+html: <blockquote class="twitter-tweet"><p>Second one.</p>&mdash; Bob (@bob) '
        '#+html: <a href="https://twitter.com/bob/status/1653051373557751809">May 1, 2023</a>'
        "</blockquote>\n"
    )
    doc = extract_bytes(org.encode(), "summit.org")
    assert (doc.source.format, doc.source.title) == ("org", "Notes from the summit")
    found = tweets_of(org, "summit.org")
    assert [(t.id, t.handle, t.text) for t in found] == [
        (ID, "mayor", "Cities are where climate policy happens."),
        ("1653051373557751809", "bob", "Second one."),
    ]
    assert found[0].author == "Jane Mayor"


def test_org_quote_block_with_triple_dash_credit() -> None:
    org = (
        "#+begin_quote\nCities are where climate policy happens.\n\n"
        f"--- Jane Mayor (@mayor) [[{URL}][May 1, 2023]]\n#+end_quote\n"
    )
    (tweet,) = tweets_of(org, "post.org")
    assert tweet.id == ID


CANONICAL = (
    '<blockquote class="twitter-tweet"><p lang="en" dir="ltr">Cities are where climate '
    "policy happens.</p>&mdash; Jane Mayor (@mayor) "
    f'<a href="{URL}?ref_src=twsrc%5Etfw">May 1, 2023</a></blockquote>'
)


def test_asciidoc_passthrough_block_and_inline_pass_and_listing() -> None:
    adoc = (
        "= Notes\n\nIntro.\n\n++++\n" + CANONICAL + "\n++++\n\n"
        'pass:[<blockquote class="twitter-tweet"><p>Inline.</p>&mdash; Bob (@bob) '
        '<a href="https://twitter.com/bob/status/1653051373557751809">May 1, 2023</a>'
        "</blockquote>]\n\n"
        "[source,html]\n----\n" + CANONICAL.replace(ID, "1653051373557751810") + "\n----\n"
    )
    doc = extract_bytes(adoc.encode(), "notes.adoc")
    assert (doc.source.format, doc.source.title) == ("asciidoc", "Notes")
    found = tweets_of(adoc, "notes.adoc")
    assert [t.id for t in found] == [ID, "1653051373557751809"]


def test_jupyter_markdown_cells_and_html_outputs() -> None:
    notebook = {
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": {},
        "cells": [
            {"cell_type": "markdown", "metadata": {}, "source": ["# Analysis\n", "\n", f"{URL}\n"]},
            {
                "cell_type": "code",
                "metadata": {},
                "execution_count": 1,
                "source": ["from IPython.display import HTML\n", "HTML(embed)"],
                "outputs": [
                    {
                        "output_type": "execute_result",
                        "execution_count": 1,
                        "metadata": {},
                        "data": {
                            "text/html": [CANONICAL.replace(ID, "1653051373557751811")],
                            "text/plain": ["<IPython.core.display.HTML object>"],
                        },
                    }
                ],
            },
            {"cell_type": "code", "metadata": {}, "source": [f"# {URL}\n"], "outputs": []},
        ],
    }
    found = tweets_of(json.dumps(notebook), "analysis.ipynb")
    assert [(t.id, t.text is None) for t in found] == [
        (ID, True),
        ("1653051373557751811", False),
    ]


def test_r_markdown_chunk_that_renders_a_tweet() -> None:
    # tweetrmd's README: include_tweet() in an executed chunk puts the embed in the page; the
    # same call in a plain ```r fence is a code sample.
    rmd = (
        "---\ntitle: Tweets in R Markdown\n---\n\n"
        '```{r echo=FALSE}\ntweetrmd::include_tweet("https://twitter.com/alearrow/status/'
        '1153062475838853120")\n```\n\n'
        f'```r\ninclude_tweet("{URL}")\n```\n'
    )
    found = tweets_of(rmd, "tweets.Rmd")
    assert [(t.id, t.handle) for t in found] == [("1153062475838853120", "alearrow")]


def test_quarto_and_r_markdown_are_markdown() -> None:
    qmd = (
        "---\ntitle: Report\n---\n\n```{r}\nlibrary(tweetrmd)\n```\n\n"
        f"{{{{< tweet user=mayor id={ID} >}}}}\n"
    )
    (tweet,) = tweets_of(qmd, "report.qmd")
    assert tweet.id == ID
    assert tweets_of(f"Intro.\n\n{URL}\n", "report.Rmd")[0].id == ID


WXR = """<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
 xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:wfw="http://wellformedweb.org/CommentAPI/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
 <title>City blog</title><link>https://city.example</link><wp:wxr_version>1.2</wp:wxr_version>
 <item>
  <title>Summit notes</title><link>https://city.example/2023/05/summit/</link>
  <guid isPermaLink="false">https://city.example/?p=12</guid>
  <content:encoded><![CDATA[<!-- wp:paragraph --><p>She said:</p><!-- /wp:paragraph -->

<!-- wp:embed {"url":"URL","type":"rich","providerNameSlug":"twitter"} -->
<figure class="wp-block-embed is-type-rich is-provider-twitter wp-block-embed-twitter">
<div class="wp-block-embed__wrapper">
URL
</div></figure>
<!-- /wp:embed -->]]></content:encoded>
  <wp:post_type><![CDATA[post]]></wp:post_type>
 </item>
 <item>
  <title>Classic post</title><link>https://city.example/2015/03/classic/</link>
  <guid isPermaLink="false">https://city.example/?p=7</guid>
  <content:encoded><![CDATA[Before.

https://twitter.com/bob/status/1653051373557751809

[tweet https://twitter.com/carol/status/1653051373557751812]]]></content:encoded>
  <wp:post_type><![CDATA[post]]></wp:post_type>
 </item>
 <item><title>logo</title><content:encoded><![CDATA[]]></content:encoded>
  <wp:post_type><![CDATA[attachment]]></wp:post_type></item>
</channel></rss>
""".replace("URL", URL)


def test_wordpress_export_each_item_is_an_article(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "city.WordPress.2023-06-01.xml").write_text(WXR, encoding="utf-8")
    archive = str(tmp_path / "archive")
    runner = CliRunner()
    done = runner.invoke(cli, ["extract", str(tmp_path / "in"), "--archive", archive])
    assert done.exit_code == 0, done.output
    exported = runner.invoke(cli, ["export", "--archive", archive])
    records = {r["id"]: r for r in map(json.loads, exported.output.splitlines())}
    assert set(records) == {ID, "1653051373557751809", "1653051373557751812"}
    (source,) = records[ID]["sources"]
    assert (source["title"], source["url"]) == (
        "Summit notes",
        "https://city.example/2023/05/summit/",
    )
    assert records["1653051373557751812"]["sources"][0]["record"] == "https://city.example/?p=7"


def test_wordpress_export_items_as_documents() -> None:
    from archiver.extract import wordpress_posts

    posts = wordpress_posts(WXR.encode("utf-8"))
    assert [(p.title, p.link) for p in posts] == [
        ("Summit notes", "https://city.example/2023/05/summit/"),
        ("Classic post", "https://city.example/2015/03/classic/"),
    ]
    docs = [
        extract_bytes(
            p.content.encode(),
            "city.xml",
            url=p.link,
            record=p.guid,
            fmt="wordpress-post",
            title=p.title,
        )
        for p in posts
    ]
    assert [[f.tweet.id for f in d.found] for d in docs] == [
        [ID],
        ["1653051373557751809", "1653051373557751812"],
    ]
    assert docs[0].source.title == "Summit notes"
    assert docs[0].source.url == "https://city.example/2023/05/summit/"
    assert docs[1].source.record == "https://city.example/?p=7"
