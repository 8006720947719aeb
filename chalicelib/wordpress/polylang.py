"""Polylang's languages: each post's language and its writing direction, kept on the page.

Polylang keeps a site's languages as terms of its `language` taxonomy, each term's description its
PHP-serialized settings (`a:3:{s:6:"locale";s:5:"fa_IR";s:3:"rtl";i:1;...}`), and gives each post one
of them. The taxonomy has no archive of its own (Polylang registers it without rewrites: a
language's posts are at `/fa/...`), so it was written as a taxonomy whose pages never existed, each
describing itself in serialized PHP, while a Persian post was published as left-to-right English.

Now, where the export's `language` terms carry Polylang's settings, that taxonomy is not written;
each page gets its language's locale and direction (`locale: fa-IR`, `direction: rtl`), which the
theme puts on `<html lang dir>`. Each language's posts are listed on a page of their own, in that
language's direction (`/languages/fa/`, Hugo's taxonomy `languages`, posts only, as Polylang's
language home lists the blog's posts in it), and where the posts' addresses began with the language
(`/fa/سلام/`, Polylang's "language in a directory"), that page takes Polylang's home of the language
(`/fa/`, with its later pages) as its alias: it answered nothing. One `multilingual` warning says
what is not made: one site per language, with its menus and title translated.

A post's translations share a term of Polylang's `post_translations` taxonomy (`pll_68f7a70a13708`).
Each published page of such a group lists the group's published pages as `translations` (language,
locale, Hugo's path of the page), which the theme shows as WordPress's language switcher did, and
puts in `<link rel="alternate" hreflang>` as Polylang did. The group is read from the items' own
terms, not the term's serialized description, so a partial export (one post type) still links.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from chalicelib.wordpress.oldurls import archive_page_paths
from chalicelib.wordpress.phpdata import NotPhpData, php_unserialize
from chalicelib.wordpress.terms import TermPage
from chalicelib.wordpress.wxr import Term

#: Polylang's taxonomy of languages.
TAXONOMY = "language"
#: Polylang's groups of posts that translate each other, one term a group.
TRANSLATIONS = "post_translations"
#: Hugo's taxonomy that lists each language's posts: (singular, plural).
LISTS = ("language", "languages")


@dataclass(frozen=True)
class Language:
    slug: str  # "fa"
    name: str  # "فارسی"
    locale: str  # "fa-IR", as HTML's lang attribute writes it
    rtl: bool


#: Languages written right to left, as WordPress's locales for them are (`is_rtl()`): their primary
#: subtags (`fa` of `fa-IR`).
RIGHT_TO_LEFT = frozenset(
    {
        "ar",
        "arq",
        "ary",
        "azb",
        "ckb",
        "dv",
        "fa",
        "haz",
        "he",
        "iw",
        "ks",
        "ps",
        "sd",
        "skr",
        "syr",
        "ug",
        "ur",
        "yi",
    }
)


def right_to_left(locale: str) -> bool:
    """Whether the language of `locale` (`fa-IR`, `he_IL`, `ar`) is written right to left."""
    return locale.replace("_", "-").split("-", 1)[0].strip().lower() in RIGHT_TO_LEFT


def polylang_languages(terms: Iterable[Term]) -> dict[str, Language]:
    """The export's Polylang languages by slug; none where its `language` terms are not Polylang's (a
    site's own taxonomy of that name, a bookshop's languages, stays a taxonomy)."""
    found: dict[str, Language] = {}
    for term in terms:
        if term.taxonomy != TAXONOMY or not term.description.startswith("a:"):
            continue
        try:
            settings = php_unserialize(term.description)
        except NotPhpData:
            continue
        locale = settings.get("locale") if isinstance(settings, dict) else None
        if isinstance(locale, str) and locale.strip():
            rtl = settings.get("rtl") if isinstance(settings, dict) else 0
            found[term.slug] = Language(
                term.slug, term.name, locale.strip().replace("_", "-"), str(rtl) in ("1", "True")
            )
    return found


_LANGUAGE_SLUG = re.compile(r"[a-z]{2,3}(?:[-_][a-z0-9]{2,8})*$", re.I)


def item_languages(terms: Iterable[Term]) -> dict[str, Language]:
    """Polylang's languages from the items' own `language` terms, for an export that holds no term
    definitions (WordPress exports none for one post type) but whose items Polylang grouped into
    translations: each language's slug (`fa`, `pt-br`) is its locale."""
    found: dict[str, Language] = {}
    for term in terms:
        if term.taxonomy == TAXONOMY and term.slug not in found and _LANGUAGE_SLUG.match(term.slug):
            locale = term.slug.replace("_", "-")
            found[term.slug] = Language(term.slug, term.name or term.slug, locale, right_to_left(locale))
    return found


def page_language(terms: Iterable[Term], languages: dict[str, Language]) -> dict[str, str]:
    """A page's front matter for its Polylang language: its locale and, right to left, its direction."""
    for term in terms:
        if term.taxonomy == TAXONOMY and (language := languages.get(term.slug)):
            return {"locale": language.locale, **({"direction": "rtl"} if language.rtl else {})}
    return {}


def item_language(terms: Iterable[Term]) -> str:
    """The slug of the item's Polylang language, "" for none."""
    return next((t.slug for t in terms if t.taxonomy == TAXONOMY and t.slug), "")


def language_lists(languages: dict[str, Language], posts: dict[str, int], homes: set[str]) -> list[TermPage]:
    """The page of each language's `posts` (published posts by language slug), in its language and
    direction; with Polylang's home of the language (`/fa/`, from the site's root) as an alias where
    the posts' addresses began with it (`homes`), its later pages too."""
    pages = []
    for slug, language in languages.items():
        if not posts.get(slug):
            continue
        home = f"/{slug}/"
        aliases = [home, *archive_page_paths(home, posts[slug])] if slug in homes else []
        params = {"locale": language.locale, **({"direction": "rtl"} if language.rtl else {})}
        pages.append(TermPage(LISTS[1], slug, language.name, "", aliases, params=params))
    return pages


def translation_group(terms: Iterable[Term]) -> str:
    """The slug of the item's group of translations, "" for none."""
    return next((t.slug for t in terms if t.taxonomy == TRANSLATIONS and t.slug), "")


def page_translations(members: list[tuple[str, str]], languages: dict[str, Language]) -> list[dict[str, str]]:
    """A page's `translations`: its group's published pages, `(language slug, Hugo path)`, in the
    site's order of languages; none when the page has no translation to lead to."""
    order = list(languages)
    pages = {slug: ref for slug, ref in members if slug in languages}
    known = sorted(pages.items(), key=lambda pair: order.index(pair[0]))
    if len(known) < 2:
        return []
    return [{"language": languages[s].name, "locale": languages[s].locale, "page": ref} for s, ref in known]


def multilingual_note(languages: dict[str, Language]) -> str:
    """The site's `multilingual` warning."""
    named = ", ".join(f"{lang.name} ({lang.locale})" for lang in languages.values())
    return (
        f"a Polylang site in {len(languages)} languages, {named}: each page keeps its language and "
        "direction, its old address and links to its translations, and each language's posts are "
        "listed at /languages/SLUG/ (Polylang's /SLUG/ leads there); but the site is built as one, "
        "with one menu and one site title for every language"
    )
