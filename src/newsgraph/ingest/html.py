"""HTML pages: the article body, its captions and its metadata.

How the body is found
---------------------
Measured per page on the ScrapingHub benchmark pages (see ``bench/extract_compare.py``),
trafilatura's errors are mostly *boilerplate kept*, not words lost: related-article
headlines, "Read more: ..." links, newsletter and follow-us prompts, tag lists.
Its ``favor_precision`` mode removes part of that at a small cost in recall; the
rest is removed here by two rules that read the page itself, not a site list:

1. **link-only lines**: a line whose whole text (after a "Read more:"-style label
   or a list bullet) is the text of one ``<a>`` of the page, is headline-shaped
   (4+ words, no closing sentence punctuation, not a URL or address) is a
   related-links item. Inline link text inside a sentence is always kept, since
   such a line is never the text of one link alone.
2. **promotional lines**: short lines that ask the reader to follow, subscribe,
   read more, or that label tags and comment counts (:data:`newsgraph.textrules.PROMO`).

Where the extractors disagree, agreement decides (:func:`choose_body`):

* the precision pass finds (almost) nothing: the recall pass, then readability-lxml;
* the precision pass keeps under half of what readability *and* trafilatura's
  balanced pass find, and those two agree (readability holds 80% of the balanced
  pass's shingles): the balanced pass, two extractors outvoting one;
* readability finds at least twice the words and already holds (90%) all of
  trafilatura's text: trafilatura stopped early, and readability's extra lines
  are kept if they are prose (see :func:`_merge_readability`).

Bylines (at the edges of the body, or a line that is one of the page's author
names) and photo credits standing on their own line also leave the body; a credit
or caption-like line found there is listed with the captions.

Each threshold is a named constant below; ``bench/extract_compare.py`` reports
the ablation and a 5-fold cross-validation of them over pages.

What runs when
--------------
``bench/extract_speed.py`` times this against trafilatura alone and says where the time goes.

* The page is parsed once, by trafilatura's ``load_html`` (:func:`_load`); anchors,
  captions, ``<p>`` words and metadata read that tree, and every trafilatura pass is
  handed it (trafilatura copies a tree before pruning it) instead of parsing again.
* Every page: trafilatura's precision pass in fast mode (no comparison with other
  extractors).
* Only where :func:`needs_readability` says the body is in doubt: the full precision
  pass, which adds trafilatura's comparison with readability and jusText to the fast
  pass's work (:func:`_precision_passes`, not a second run from the start), and
  readability-lxml.
* Only where the precision pass finds under 20 words: the recall pass; only where
  readability finds twice the precision pass's words: the balanced pass.
* Metadata: :func:`~newsgraph.ingest.htmlmeta.read_meta` on every page, then those of
  trafilatura's metadata steps whose fields the page's own metadata leaves empty (the
  title always; htmldate's date search only for a page that does not date itself; see
  :func:`_trafilatura_meta`).
* Language: :func:`from_html` leaves it to the pipeline's language stage (the
  ``<html lang>`` is kept as a fallback); :func:`extract` identifies it by default.

Captions
--------
``<figcaption>`` texts (and ``<caption>`` of figures, ``wp-caption-text`` ...) are
kept out of :attr:`Extracted.body` and listed in :attr:`Extracted.captions`.
:func:`from_html` builds ``Article.text`` as the body, then a blank line, then one
line per caption; ``Article.captions`` points at those lines and
``metadata["body_end"]`` is where the body stops, so facts read from a caption
keep their evidence and nothing in the body moves.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from ..errors import EmptyInputError
from ..langid import language_of
from ..model import Article, Caption, content_id
from ..textrules import BYLINE, is_caption, is_promo
from .htmlmeta import PageMeta, read_meta

_TOKEN = re.compile(r"\w+")

# Thresholds, checked by 5-fold cross-validation over pages in bench/extract_compare.py
MERGE_RATIO = 2.0  # readability must find this many times trafilatura's words...
MERGE_COVER = 0.9  # ...and hold this share of trafilatura's 4-word shingles
LINK_LINE_WORDS = 4  # a link-only line this long or longer is a related-article headline
PROSE_WORDS = 10  # readability lines kept on a merge must be sentences this long
SHORT_SHARE = 0.5  # the precision pass is "short" when under this share of another extractor's words
AGREE_COVER = 0.8  # share of the balanced pass's shingles readability must hold to outvote it
# readability runs only where it could change the body (needs_readability): margins
# around MERGE_RATIO, not fitted (on the dev pages it runs on 25 of 85, the output is the same)
READABILITY_MARGIN = 0.75 * MERGE_RATIO
READABILITY_UNSURE = 0.5

_LABEL = re.compile(r"^\W*(?:[A-Za-z'’ ]{2,30}:|[-•*·]\s)\s*")
_URLISH = re.compile(r"@|https?:|www\.|\.com\b")
_SENTENCE_END = re.compile(r"[.!?][\"”’')]?$")
# <figcaption>, and elements whose class names a caption inside a <figure> or as a caption
# class (wp-caption-text, image-, photo-, media-caption): one walk of the page, not one per kind
_CAPTION_XPATH = (
    "//*[self::figcaption or contains(@class,'caption') and (ancestor::figure"
    " or contains(@class,'wp-caption-text') or contains(@class,'image-caption')"
    " or contains(@class,'photo-caption') or contains(@class,'media-caption'))]"
)


@dataclass
class Extracted:
    body: str
    title: str | None = None
    published: str | None = None
    modified: str | None = None
    authors: list[str] = field(default_factory=list)
    source: str | None = None
    url: str | None = None
    description: str | None = None
    tags: list[str] = field(default_factory=list)
    language: str | None = None
    captions: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)  # boilerplate lines taken out of the body
    method: str = "trafilatura"


def _norm(text: str) -> str:
    return " ".join(_TOKEN.findall(text.lower()))


def _load(html: str) -> tuple[Any, Any]:
    """(the page's lxml tree, what the trafilatura passes are given): the page is parsed once.

    The tree is trafilatura's own (``load_html``: its parser settings and repairs), so that
    each pass can be handed it instead of parsing the string again (``bare_extraction``
    copies a tree it is given before pruning it); the readers here only read it. Where
    trafilatura rejects the page, the tree is lxml's and the passes get the string, as
    they always did (and return nothing)."""
    from trafilatura.utils import load_html

    tree = load_html(html)
    if tree is not None:
        return tree, tree
    return _parse_lxml(html), html


def _parse(html: str) -> Any:
    return _load(html)[0]


def _parse_lxml(html: str) -> Any:
    import lxml.html

    try:
        return lxml.html.fromstring(html.encode("utf-8", "surrogatepass") if "<?xml" in html[:100] else html)
    except (ValueError, TypeError, lxml.etree.ParserError):  # type: ignore[attr-defined]
        return None


def _anchor_texts(root: Any) -> set[str]:
    if root is None:
        return set()
    out = set()
    for a in root.iter("a"):
        t = _norm(a.text_content())
        if len(t.split()) >= 2:
            out.add(t)
    return out


@lru_cache(maxsize=1)
def _caption_xpath() -> Any:
    from lxml.etree import XPath

    return XPath(_CAPTION_XPATH)


def _caption_texts(root: Any) -> list[str]:
    if root is None:
        return []
    seen: dict[str, str] = {}
    for el in _caption_xpath()(root):
        text = " ".join(el.text_content().split())
        key = _norm(text)
        if key and len(key.split()) >= 2 and not any(key in k for k in seen):
            seen[key] = text
    return list(seen.values())


def is_link_line(line: str, anchors: set[str], min_words: int | None = None) -> bool:
    """A line that is one link's text (a related-article headline), not a sentence with a link in it."""
    s = line.strip()
    m = _LABEL.match(s)
    rest = _norm(s[m.end() :]) if m else _norm(s)
    if rest not in anchors and _norm(s) not in anchors:
        return False
    words = LINK_LINE_WORDS if min_words is None else min_words
    return not _URLISH.search(s) and len(rest.split()) >= words and not _SENTENCE_END.search(s)


def _filter_lines(
    text: str,
    anchors: set[str],
    captions: list[str],
    min_words: int | None = None,
    authors: list[str] | None = None,
) -> tuple[str, list[str], list[str]]:
    """The body without boilerplate, bylines and captions; what was removed; captions found in it.

    Bylines are only looked for in the first and last three lines, where pages put them.
    """
    cap_keys = {_norm(c) for c in captions}
    author_keys = {_norm(a) for a in authors or []} - {""}
    lines = [line for line in text.split("\n") if line.strip()]
    kept, removed, found = [], [], []
    for index, line in enumerate(lines):
        key = _norm(line)
        short = len(line.split()) <= 15
        edge = index < 3 or index >= len(lines) - 3
        if is_promo(line) or is_link_line(line, anchors, min_words) or (key and key in cap_keys):
            removed.append(line.strip())
        elif short and is_caption(line):
            found.append(line.strip())  # a caption or credit inside the body: listed, not body
        elif short and edge and (BYLINE.match(line.strip()) or key in author_keys):
            removed.append(line.strip())
        else:
            kept.append(line)
    if not kept:  # never filter a page down to nothing
        return text.strip(), [], []
    return "\n".join(kept), removed, found


def _ntok(text: str) -> int:
    return len(_TOKEN.findall(text))


def _shingles(text: str) -> set[tuple[str, ...]]:
    t = _TOKEN.findall(text.lower())
    return {tuple(t[i : i + 4]) for i in range(max(0, len(t) - 3))}


@lru_cache(maxsize=1)
def _readability_document() -> Any:
    """readability-lxml's ``Document``, cleaning the page without its ``javascript`` option.

    readability cleans each page with lxml's ``Cleaner`` (``readability/cleaners.py``), whose
    ``javascript=True`` removes ``on*`` attributes, ``javascript:`` URLs and the attributes that
    could carry one past link cleaning: none of them hold text or anything readability scores
    by (class, id, itemprop, an iframe's video ``src``), and finding them (a walk over every
    link and attribute of the page) is a third of readability's time. The cleaner here is
    readability 0.9's less that option, so the text it finds is the same (a test compares it
    with the stock ``Document``'s on real pages); it is meant for text, not for HTML to show."""
    from lxml_html_clean import Cleaner
    from readability import Document
    from readability.htmls import build_doc
    from readability.readability import REGEXES

    cleaner = Cleaner(
        scripts=True,
        javascript=False,  # readability: True
        comments=True,
        style=True,
        links=True,
        meta=False,
        add_nofollow=False,
        page_structure=False,
        processing_instructions=True,
        embedded=False,
        frames=False,
        forms=False,
        annoying_tags=False,
        remove_tags=(),  # readability: None, the same to the cleaner
        remove_unknown_tags=False,
        safe_attrs_only=False,
    )

    class TextDocument(Document):  # type: ignore[misc]
        def _parse(self, input: str) -> Any:
            """readability 0.9's ``Document._parse`` for a string and no URL, with the cleaner above."""
            doc, self.encoding = build_doc(input)
            for elem in doc.xpath("//*[@hidden]"):
                elem.drop_tree()
            for elem in doc.xpath("//*[@style]"):
                if REGEXES["displayNoneRe"].search(elem.get("style")):
                    elem.drop_tree()
            doc = cleaner.clean_html(doc)
            doc.resolve_base_href(handle_failures=self.handle_failures)
            return doc

    return TextDocument


def _readability(html: str) -> str:
    try:
        import lxml.html

        summary = _readability_document()(html).summary(html_partial=True)
        root = lxml.html.fromstring(summary)
    except Exception:  # readability raises bare Exceptions on odd pages
        return ""
    parts = []
    for el in root.iter("p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "pre", "blockquote"):
        if el.getparent() is not None and el.getparent().tag in ("li", "blockquote"):
            continue
        text = " ".join(el.text_content().split())
        if text:
            parts.append(text)
    return "\n".join(parts)


def _merge_readability(
    body: str, other: str, anchors: set[str], ratio: float | None = None, cover: float | None = None
) -> str:
    """Take readability's text where it holds all of trafilatura's and twice as much.

    That disagreement means trafilatura stopped early (a page split into several
    containers); readability's extra lines are kept only when they are prose:
    not link-only, not promotional, 10+ words ending like a sentence.
    """
    ratio = MERGE_RATIO if ratio is None else ratio
    cover = MERGE_COVER if cover is None else cover
    mine, theirs = _shingles(body), _shingles(other)
    if not mine or len(_TOKEN.findall(other)) < ratio * len(_TOKEN.findall(body)):
        return body
    if len(mine & theirs) / len(mine) < cover:
        return body
    lines = []
    for line in other.split("\n"):
        s = line.strip()
        inside = _shingles(s) <= mine if _shingles(s) else True
        prose = len(s.split()) >= PROSE_WORDS and bool(_SENTENCE_END.search(s))
        if inside or (prose and not is_promo(s) and not is_link_line(s, anchors)):
            lines.append(s)
    return "\n".join(lines)


def _trafilatura(
    html: Any, url: str | None, *, precision: bool, balanced: bool = False, fast: bool = False
) -> dict[str, Any]:
    """One trafilatura pass for the body only (its metadata is read once, by :func:`_trafilatura_meta`)."""
    import trafilatura

    doc: Any = trafilatura.bare_extraction(
        html,
        url=url,
        with_metadata=False,
        include_comments=False,
        include_tables=True,
        include_links=False,  # link *text* is kept; only the targets are dropped
        favor_precision=precision and not balanced,
        fast=fast,
        favor_recall=not precision and not balanced,
    )
    if doc is None:
        return {}
    return doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)


def _precision_passes(page: Any, url: str | None) -> tuple[dict[str, Any], Callable[[], dict[str, Any]]]:
    """trafilatura's precision pass in fast mode, and a function giving the full pass.

    The two are ``bare_extraction(page, favor_precision=True, fast=...)`` with the
    options of :func:`_trafilatura`; they differ only in the last step, where the full
    pass compares its result with readability's and jusText's (``compare_extraction``).
    Here the steps before it (parse, prunes, cleaning, tag conversion, main extractor)
    run once, and the full pass, asked for only where the fast one leaves the body in
    doubt, adds the comparison to them instead of doing them all again. The steps are
    trafilatura 2.3.1's own (``bare_extraction`` and ``trafilatura_sequence`` with
    comments off and precision on), called in their order; a test checks both results
    against ``bare_extraction`` itself."""
    from copy import copy

    from lxml.etree import strip_tags
    from trafilatura.core import _forum_thread_page, _prepare_tree
    from trafilatura.external import compare_extraction
    from trafilatura.htmlprocessing import prune_unwanted_nodes
    from trafilatura.main_extractor import extract_content
    from trafilatura.settings import Document, Extractor
    from trafilatura.utils import load_html
    from trafilatura.xml import xmltotxt
    from trafilatura.xpaths import RAW_TREE_PRUNE_XPATH, REMOVE_COMMENTS_AND_LISTS_XPATH, REMOVE_COMMENTS_XPATH

    def settings(fast: bool) -> Any:
        return Extractor(
            output_format="python", fast=fast, precision=True, comments=False, tables=True, links=False, url=url
        )

    options = settings(fast=True)

    def record(body: Any, text: str) -> dict[str, Any]:
        """bare_extraction's checks and output after trafilatura_sequence."""
        if options.max_tree_size and len(body) > options.max_tree_size:
            strip_tags(body, "hi")
            if len(body) > options.max_tree_size:
                return {}
        if len(text) < options.min_output_size and options.min_output_comm_size > 0:  # comments: none
            return {}
        doc = Document()
        doc.text = xmltotxt(body, options.formatting)
        doc.raw_text = doc.text
        doc.body = body
        return dict(doc.as_dict())

    try:
        tree = load_html(page, options.max_file_size)
        if tree is None:
            return {}, dict
        if tree is page:
            tree = copy(tree)
        is_forum = _forum_thread_page(tree)
        tree = prune_unwanted_nodes(tree, RAW_TREE_PRUNE_XPATH)
        tree = prune_unwanted_nodes(tree, REMOVE_COMMENTS_AND_LISTS_XPATH)
        cleaned, backup = _prepare_tree(tree, options, url)
        if not is_forum:
            cleaned = prune_unwanted_nodes(cleaned, REMOVE_COMMENTS_XPATH)
        body, text = extract_content(cleaned, options)
        fast = record(body, text)
    except (TypeError, ValueError):  # bare_extraction returns None on these
        return {}, dict

    def full() -> dict[str, Any]:
        try:
            return record(*compare_extraction(backup, copy(tree), body, text, settings(fast=False)))
        except (TypeError, ValueError):
            return {}

    return fast, full


_META_KEYS = ("title", "author", "date", "sitename", "hostname", "url", "description", "tags", "categories")


def _trafilatura_meta(root: Any, url: str | None, have: PageMeta | None = None) -> dict[str, Any]:
    """trafilatura's metadata (its title cleaning, htmldate's date, author and site heuristics),
    read once from the page already parsed, not again in every extraction pass.

    The steps are those of ``trafilatura.metadata.extract_metadata``, in its order, but a
    field the page's own metadata (``have``, from :func:`read_meta`) already gives is not
    looked for: :func:`extract` would not use it. That skips htmldate's search where the page
    dates itself, the author search (a copy and prune of the whole tree) where it names its
    authors, the tag scan where it lists keywords (and the category scan where there are tags),
    and the licence (never used).
    Reads ``root`` (trafilatura's steps copy before they prune): call it last all the same."""
    from courlan import extract_domain
    from trafilatura.metadata import (
        META_URL,
        examine_meta,
        extract_author,
        extract_catstags,
        extract_meta_json,
        extract_sitename,
        extract_title,
        extract_url,
        find_date,
    )
    from trafilatura.settings import set_date_params

    if root is None:
        return {}
    everything = have is None  # then it is extract_metadata, less the licence
    have = have or PageMeta()
    doc: Any = examine_meta(root)
    if doc.author and " " not in doc.author:
        doc.author = None
    with contextlib.suppress(Exception):  # trafilatura guards this call the same way (bugs in its JSON-LD reader)
        doc = extract_meta_json(root, doc)
    if not doc.title:
        doc.title = extract_title(root)
    if not doc.author and not have.authors:
        doc.author = extract_author(root)
    if not doc.url:
        doc.url = extract_url(root, url)
    if doc.url:
        doc.hostname = extract_domain(doc.url, fast=True)
    if not have.published:
        doc.date = find_date(root, **{**set_date_params(True), "url": doc.url})
    if not have.site_name:
        if not doc.sitename:
            doc.sitename = extract_sitename(root)
        if doc.sitename:
            doc.sitename = doc.sitename.lstrip("@")
            if doc.sitename and "." not in doc.sitename and not doc.sitename[0].isupper():
                doc.sitename = doc.sitename.title()
        elif doc.url:
            found_url = META_URL.match(doc.url)
            if found_url:
                doc.sitename = found_url[1]
    if not have.tags and not doc.tags:
        doc.tags = extract_catstags("tag", root)
    doc.clean_and_trim()
    # extract() reads the categories only where there are no tags; they are found after the
    # clean-up, which leaves lists (extract_catstags's result) as they are
    if not have.tags and not doc.categories and (everything or not _split_list(doc.tags)):
        doc.categories = extract_catstags("category", root)
    found = doc.as_dict()
    return {k: found.get(k) for k in _META_KEYS if found.get(k)}


def _split_list(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    text = str(value or "").strip()
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1].replace("'", "")
    return [t.strip() for t in text.split(",") if t.strip()]


@dataclass
class Candidates:
    """The extractors' outputs for one page; the costlier passes run only when asked."""

    precision: dict[str, Any]
    readability: str
    recall: Callable[[], dict[str, Any]]
    balanced: Callable[[], dict[str, Any]]


def _paragraph_words(root: Any) -> int:
    return 0 if root is None else sum(_ntok(p.text_content()) for p in root.iter("p"))


def needs_readability(body_words: int, paragraph_words: int) -> bool:
    """Whether readability could change the body (see :func:`choose_body`): it only does when
    it finds twice the precision pass's words (``SHORT_SHARE``, ``MERGE_RATIO``). Its text is
    the page's paragraphs, so a page whose ``<p>`` text is under ``READABILITY_MARGIN`` times
    the body cannot give that; one whose text is mostly outside ``<p>`` (under
    ``READABILITY_UNSURE`` times the body) says nothing either way, and is checked."""
    return (
        body_words < 20
        or paragraph_words >= READABILITY_MARGIN * body_words
        or paragraph_words < READABILITY_UNSURE * body_words
    )


def candidates(html: str, url: str | None, root: Any = None, source: Any = None) -> Candidates:
    """The passes over one page; ``source`` is what the trafilatura passes read (the page's
    tree from :func:`_load`, or the string ``html``), readability always reads ``html``."""
    page = html if source is None else source
    # trafilatura's fast mode skips its own comparison with other extractors; where the page
    # leaves the result in doubt (needs_readability), the full pass adds it
    precision, full_precision = _precision_passes(page, url)
    body_words = _ntok(precision.get("text") or "")
    paragraph_words = _paragraph_words(root)
    check = root is None or needs_readability(body_words, paragraph_words)
    if check:  # unsure: the full precision pass, and readability, as for every page before
        precision = full_precision()
    return Candidates(
        precision=precision,
        readability=_readability(html) if check else "",
        recall=lambda: _trafilatura(page, url, precision=False),
        balanced=lambda: _trafilatura(page, url, precision=False, balanced=True),
    )


def choose_body(
    cands: Candidates, anchors: set[str], *, merge_ratio: float | None = None
) -> tuple[dict[str, Any], str, str]:
    """(trafilatura's record, body, method): the combination described in the module docstring."""
    data = cands.precision
    body, method = data.get("text") or "", "trafilatura-precision"
    if _ntok(body) < 20:
        recall = cands.recall()
        if _ntok(recall.get("text") or "") > _ntok(body):
            data, body, method = recall, recall.get("text") or "", "trafilatura-recall"
    other = cands.readability
    if other and _ntok(body) < SHORT_SHARE * _ntok(other):
        # the precision pass kept under half of what readability found: if trafilatura's
        # balanced pass finds twice as much *and readability agrees with it*, two extractors
        # outvote the precision pass
        balanced = cands.balanced()
        text = balanced.get("text") or ""
        shingles = _shingles(text)
        if (
            _ntok(body) < SHORT_SHARE * _ntok(text)
            and shingles
            and len(shingles & _shingles(other)) / len(shingles) >= AGREE_COVER
        ):
            data, body, method = balanced, text, "trafilatura-balanced"
    if not body.strip():
        return data, other, "readability"
    if other:
        merged = _merge_readability(body, other, anchors, ratio=merge_ratio)
        if merged != body:
            body, method = merged, method + "+readability"
    return data, body, method


def extract(html: str, url: str | None = None, *, detect_language: bool = True) -> Extracted:
    """The article body, captions and metadata of one HTML page."""
    root, source = _load(html)
    anchors = _anchor_texts(root)
    captions = _caption_texts(root)
    data, body, method = choose_body(candidates(html, url, root, source), anchors)
    meta = read_meta(root)
    data = {**data, **_trafilatura_meta(root, url, meta)}
    author = data.get("author") or ""
    authors = meta.authors or [
        a.strip() for a in (author.split(";") if isinstance(author, str) else author) if a.strip()
    ]
    body, removed, in_body = _filter_lines(body, anchors, captions, authors=authors)
    captions = captions + [c for c in in_body if _norm(c) not in {_norm(x) for x in captions}]
    language = None
    if detect_language and len(body) >= 40:
        language = language_of(body)
    return Extracted(
        body=body,
        title=data.get("title") or meta.title,
        published=meta.published or data.get("date"),
        modified=meta.modified,
        authors=authors,
        source=meta.site_name or data.get("sitename") or data.get("hostname"),
        url=meta.canonical_url or data.get("url") or url,
        description=meta.description or data.get("description"),
        tags=meta.tags or _split_list(data.get("tags")) or _split_list(data.get("categories")),
        language=language or meta.html_lang,
        captions=[c for c in captions if _norm(c) not in _norm(body)],
        removed=removed,
        method=method,
    )


def from_html(
    html: str,
    origin: str,
    *,
    doc_id: str | None = None,
    url: str | None = None,
    extra: dict[str, Any] | None = None,
) -> Article:
    """An Article whose text is the body, then the captions (see the module docstring)."""
    # the language stage identifies the language of every document; the page's own
    # <html lang> is the fallback for texts too short for it
    found = extract(html, url, detect_language=False)
    if not found.body.strip():
        raise EmptyInputError("no article text found in the HTML", origin=origin)
    text = found.body.strip()
    body_end = len(text)
    spans: list[Caption] = []
    if found.captions:
        text += "\n"
        for cap in found.captions:
            text += "\n"
            spans.append(Caption(len(text), len(text) + len(cap), cap))
            text += cap
    metadata: dict[str, Any] = {
        k: v
        for k, v in {
            "description": found.description,
            "tags": found.tags,
            "html_language": found.language,
            "extractor": found.method,
            **(extra or {}),
        }.items()
        if v
    }
    metadata["body_end"] = body_end
    article = Article(
        id=doc_id or content_id(found.body),
        text=text,
        title=found.title,
        published=found.published,
        modified=found.modified,
        authors=found.authors,
        source=found.source,
        url=found.url or url,
        origin=origin,
        metadata=metadata,
    )
    article.captions = spans
    article.boilerplate = list(found.removed)  # the clean stage adds what it removes
    if found.language:
        article.language = found.language
    return article
