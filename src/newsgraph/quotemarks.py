"""Finding quoted passages in raw news text, tolerant of how news really writes them.

Handles curly and straight double quotes (and guillemets), quotes that run
over several paragraphs (each paragraph opens with a quote mark, only the last
one closes), unbalanced marks (a quote left open closes at its paragraph's end;
a stray closing mark is ignored) and single-quoted passages in headlines. It
never raises: any string gives a list of spans.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

OPENERS = frozenset("“„«‟")
CLOSERS = frozenset("”»")
STRAIGHT = '"'
# characters after which a straight quote opens rather than closes
_OPEN_CONTEXT = frozenset(" \t\n([{—–-/:;")
_MARK = re.compile("''|``|[" + "".join(sorted(OPENERS | CLOSERS)) + '"]')


@dataclass(frozen=True)
class QuoteSpan:
    start: int  # index of the opening mark
    end: int  # index after the closing mark (or the end of the paragraph it stopped at)
    closed: bool  # False when no closing mark was found
    paragraphs: int = 1


def _marks(text: str, start: int, end: int) -> list[tuple[int, str, int]]:
    """(position, 'open'|'close', length) for each double quote mark in text[start:end].

    Two apostrophes (``''``, as some wires write quotes) count as one straight
    double quote, two backticks as an opening one; a curly mark written the wrong way round (an opening mark
    glued to the word before it and followed by a space) is read by position."""
    out: list[tuple[int, str, int]] = []
    for m in _MARK.finditer(text, start, end):  # the marks only: a scan of every character in Python cost more
        i, token = m.start(), m.group()
        size = len(token)
        if token == "``":
            out.append((i, "open", 2))  # ``...'': the TeX / Penn Treebank pair that LDC-style corpora keep
            continue
        ch = STRAIGHT if token == "''" else token
        prev = text[i - 1] if i > start else " "
        after = text[i + size] if i + size < end else " "
        if ch in OPENERS:
            wrong_way = not prev.isspace() and prev not in _OPEN_CONTEXT and (after.isspace() or i + size >= end)
            out.append((i, "close" if wrong_way else "open", size))
        elif ch in CLOSERS:
            wrong_way = (prev.isspace() or i == start) and not after.isspace() and i + size < end
            out.append((i, "open" if wrong_way else "close", size))
        else:
            out.append((i, "open" if prev in _OPEN_CONTEXT or i == start else "close", size))
    return out


def _paragraphs(text: str) -> list[tuple[int, int]]:
    spans, pos = [], 0
    for line in text.split("\n"):
        s, e = pos, pos + len(line)
        pos = e + 1
        # trim spaces so that "starts with a quote mark" means the first visible character
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            spans.append((s, e))
    return spans


def find_quotes(text: str) -> list[QuoteSpan]:
    """Every double-quoted passage of ``text``, in order; multi-paragraph quotes as one span."""
    if not text:
        return []
    out: list[QuoteSpan] = []
    paras = _paragraphs(text)
    carry: int | None = None  # an open quote carried over from earlier paragraphs
    carried = 0
    for n, (ps, pe) in enumerate(paras):
        opened: int | None = None
        marks = _marks(text, ps, pe)
        if carry is not None:
            if marks and marks[0][0] == ps and marks[0][1] == "open":
                opened, marks = carry, marks[1:]  # the continuation paragraph's opening mark
                carried += 1
            else:
                # the quote was never closed: it ends with the paragraph that opened it
                out.append(QuoteSpan(carry, _prev_end(paras, n), False, carried))
            carry = None
        for pos, kind, size in marks:
            if kind == "open":
                if opened is not None:
                    if text[pos] == STRAIGHT and pos > ps and not text[pos - 1].isspace():
                        continue
                    # an opening mark inside an open quote: the earlier one was never closed
                    end = pos
                    while end > opened + 1 and text[end - 1].isspace():
                        end -= 1
                    if end - opened > 1:
                        out.append(QuoteSpan(opened, end, False, carried + 1))
                    carried = 0
                opened = pos
            elif opened is not None:
                out.append(QuoteSpan(opened, pos + size, True, carried + 1))
                opened, carried = None, 0
            # a closing mark with nothing open is a stray: ignored
        if opened is not None:
            nxt = paras[n + 1] if n + 1 < len(paras) else None
            if nxt is not None and (text[nxt[0]] in OPENERS | {STRAIGHT} or text.startswith("''", nxt[0])):
                carry = opened  # multi-paragraph quote: goes on in the next paragraph
            else:
                if pe - opened > 1:
                    out.append(QuoteSpan(opened, pe, False, carried + 1))
                carried = 0
    if carry is not None:
        out.append(QuoteSpan(carry, paras[-1][1], False, carried + 1))
    return [q for q in out if q.end - q.start > 2]


def _prev_end(paras: list[tuple[int, int]], n: int) -> int:
    return paras[n - 1][1] if n > 0 else paras[0][1]
