"""Clean scraped text before anything reads it.

Removes boilerplate lines (navigation, share and subscribe prompts, cookie
notices, and the promotional lines of :data:`newsgraph.ingest.html.PROMO`),
lists them in ``boilerplate``, drops a dateline that the reader already turned
into ``published``, and marks photo captions and credits (kept in the text,
listed in ``captions``, so that facts read from them still have evidence).
Captions a reader already found (HTML ``<figcaption>``, appended after the
body) are kept and their spans moved to where they are in the cleaned text.
Runs first: every later span points into the text this stage leaves.
"""

from __future__ import annotations

import re

from ..model import Article, Caption
from ..textutil import parse_dateline
from .base import Stage

# Whole lines that are page furniture, not article text. Anchored: a sentence
# that merely contains "share" is kept.
BOILERPLATE = re.compile(
    r"""^\W*(?:
        skip\s+to\s+(?:toolbar|content|main\s+content|navigation|main\s+menu)
      | shared?\s+on(?:\s+\w+)?
      | share\s+(?:this|on\s+\w+|via\s+\w+)(?:\s+\w+)?
      | (?:share|tweet|email|print|comment|comments|whatsapp|facebook|twitter|linkedin|reddit|pinterest)
      | (?:click|tap)\s+here\b.*
      | (?:subscribe|sign\s+up)\b.{0,80}(?:newsletter|updates|free|today|now)?
      | follow\s+us\b.*
      | advertisement|sponsored(?:\s+content)?|related(?:\s+(?:articles|stories|posts|content))?
      | read\s+more\b.{0,60}
      | (?:we\s+use\s+cookies|this\s+(?:web)?site\s+uses\s+cookies)\b.*
      | accept\s+(?:all\s+)?cookies
      | all\s+rights\s+reserved\.?
      | copyright\s+(?:©\s*)?\d{4}.*
      | ©.{0,80}
      | (?:previous|next)\s+(?:article|post|story)
      | back\s+to\s+top
      | loading\.{0,3}
    )\W*$""",
    re.IGNORECASE | re.VERBOSE,
)

# Photo captions and credits: a line that ends with a credit in brackets,
# or starts with a photo/credit label.
CAPTION = re.compile(
    r"""(?:
        \((?:[A-Z][\w.&/ -]{0,30}\s)?(?:photo|photograph|picture|image|file\s+photo|video|credit)s?
            (?:\s*(?:by|:|/)\s*[^)]{0,40})?\)\s*\.?$
      | \((?:AP|AFP|Reuters|Getty\s+Images|EPA|Xinhua|Sputnik|TASS|Anadolu|IRNA)(?:\s*(?:photo|/\s*[^)]{0,40}))?\)\s*\.?$
      | ^(?:photo|image|picture|credit|file\s+photo)\s*(?::|by\b)
      | \b(?:photo|image|picture)\s*:\s*[A-Z][^.]{0,60}$
    )""",
    re.IGNORECASE | re.VERBOSE,
)

SHORT_LINE = 12  # words: longer lines are never treated as boilerplate


def is_boilerplate(line: str) -> bool:
    from ..ingest.html import is_promo

    words = line.split()
    return 0 < len(words) <= SHORT_LINE and (bool(BOILERPLATE.match(line.strip())) or is_promo(line))


def is_caption(line: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and len(stripped.split()) <= 80 and bool(CAPTION.search(stripped))


class Clean(Stage):
    name = "clean"
    requires = ("text",)
    assigns = ("text", "captions", "boilerplate")

    def process(self, article: Article) -> Article:
        known = [c.text for c in article.captions]
        body_end = article.metadata.get("body_end")
        kept: list[str] = []
        removed: list[str] = []
        for index, line in enumerate(article.text.splitlines()):
            stripped = line.strip()
            if is_boilerplate(stripped):
                removed.append(stripped)
                continue
            if index < 8 and stripped and parse_dateline(stripped) is not None and len(stripped) < 60:
                # a dateline: metadata, not body (the reader already read it)
                article.metadata.setdefault("dateline", stripped)
                continue
            kept.append(line.rstrip())
        text = re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip()
        article.text = text
        article.boilerplate = list(dict.fromkeys([*article.boilerplate, *removed]))  # reader's first
        article.captions = []
        taken: set[int] = set()
        for cap in known:  # reader-found captions sit after the body: find them from the end
            start = text.rfind(cap)
            if start >= 0 and start not in taken:
                taken.add(start)
                article.captions.append(Caption(start, start + len(cap), cap))
        if body_end is not None:
            article.metadata["body_end"] = min((c.start for c in article.captions), default=len(text) + 2) - 2
        offset = 0
        for line in text.split("\n"):
            start = offset + (len(line) - len(line.lstrip()))
            if start not in taken and is_caption(line):
                article.captions.append(Caption(start, offset + len(line.rstrip()), line.strip()))
            offset += len(line) + 1
        article.captions.sort(key=lambda c: c.start)
        return article
