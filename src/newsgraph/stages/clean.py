"""Clean scraped text before anything reads it.

Removes boilerplate lines (navigation, share and subscribe prompts, cookie
notices, and the promotional lines: :mod:`newsgraph.textrules`),
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
from ..textrules import is_boilerplate, is_caption
from ..textutil import parse_dateline
from .base import Stage


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
