"""Line rules shared by the HTML reader and the clean stage: page furniture,
promotional prompts, photo captions and credits, bylines.

A leaf module (imports nothing of newsgraph), so that ``ingest/html.py`` and
``stages/clean.py`` use one set of patterns without importing each other.

* :func:`is_promo`: a line that addresses the reader (follow us, subscribe to the
  newsletter, read more, tags, comment counters); up to :data:`PROMO_WORDS` words;
* :func:`is_boilerplate`: a short line (:data:`SHORT_LINE` words) that is page
  furniture (navigation, share buttons, cookie notices, copyright) or a prompt;
* :func:`is_caption`: a photo caption or credit (ends with a credit in
  brackets, or starts with a photo/credit label);
* :data:`BYLINE`: "By Jane Doe, Reuters" standing on its own line.

Every pattern is anchored to the whole line: a sentence that merely contains
"share" or "newsletter" is kept.
"""

from __future__ import annotations

import re

SHORT_LINE = 12  # words: longer lines are never page furniture
PROMO_WORDS = 45  # words: longer lines are never prompts
CAPTION_WORDS = 80  # words: longer lines are never captions

# Lines that address the reader instead of reporting: imperatives to follow, subscribe
# or read on, list labels, comment counters. Each alternative is anchored so that a
# sentence *about* newsletters or Twitter is not taken for a prompt.
PROMO = re.compile(
    r"""^\W*(?:
        (?:follow|like\s+us)\b.{0,60}?\bon\s+(?:twitter|facebook|instagram|linkedin|youtube|tiktok|threads|bluesky|mastodon|x)\b.*
      | (?:.{0,120}[.!?]\s+)?(?:click\s+here\s+(?:to\s+)?)?(?:sign\s+up|subscribe)\b.{0,80}\bnewsletters?\b.*
      | (?:get|receive)\s+(?:our|the)\b.{0,60}\bnewsletters?\b.*
      | (?:you\s+(?:may|might)\s+also\s+like|recommended(?:\s+for\s+you)?|don'?t\s+miss|most\s+(?:read|popular)
         |also\s+read|more\s+from\s+\w+|trending(?:\s+now)?|more\s+stories|related\s+(?:articles|stories|posts))\W*
      | (?:read\s+more|related|see\s+also|also\s+read|more)\s*:.{0,160}
      | (?:tags?|topics?|filed\s+under|categories)(?:\s*:.{0,200})?
      | \d*\s*comments?
      | have\s+a\s+(?:news\s+)?tip\b.*
      | (?:listen|watch)\s+(?:to\s+)?\S+\s+live\b.*
      | (?:share|tweet|email|print)\s+(?:this(?:\s+(?:article|story|page|post))?|on\s+(?:facebook|twitter|linkedin|whatsapp|reddit|x))
    )\W*$""",
    re.IGNORECASE | re.VERBOSE,
)

# Short page furniture that is not a prompt (the prompts are in PROMO).
FURNITURE = re.compile(
    r"""^\W*(?:
        skip\s+to\s+(?:toolbar|content|main\s+content|navigation|main\s+menu)
      | shared?\s+on(?:\s+\w+)?
      | share\s+(?:this|on\s+\w+|via\s+\w+)(?:\s+\w+)?
      | (?:share|tweet|email|print|comment|whatsapp|facebook|twitter|linkedin|reddit|pinterest)
      | (?:click|tap)\s+here\b.*
      | (?:subscribe|sign\s+up)\b.{0,80}
      | follow\s+us\b.*
      | advertisement|sponsored(?:\s+content)?|related(?:\s+content)?
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

# Photo captions: a line that ends with a credit in brackets, or holds a "Photo: ..." label.
CAPTION = re.compile(
    r"""(?:
        \((?:[A-Z][\w.&/ -]{0,30}\s)?(?:photo|photograph|picture|image|file\s+photo|video|credit)s?
            (?:\s*(?:by|:|/)\s*[^)]{0,40})?\)\s*\.?$
      | \((?:AP|AFP|Reuters|Getty\s+Images|EPA|Xinhua|Sputnik|TASS|Anadolu|IRNA)(?:\s*(?:photo|/\s*[^)]{0,40}))?\)\s*\.?$
      | \b(?:photo|image|picture)\s*:\s*[A-Z][^.]{0,60}$
    )""",
    re.IGNORECASE | re.VERBOSE,
)
# A photo credit standing on its own line: "Photo: Jane Doe", "Image by ...", "Credit: AP"
CREDIT = re.compile(
    r"^\W*(?:(?:photo|image|picture|video|illustration|photograph|file\s+photo)s?(?:\s+credit)?|credits?)"
    r"\s*(?::|by\b|/|©)",
    re.IGNORECASE,
)

# A byline or a photo credit standing on its own line
BYLINE = re.compile(  # names are capitalised: only the lead words ignore case
    r"^\W*(?i:(?:(?:written|reporting|words|text|story|editing)\s+)?by)\s+[A-Z][\w.'’-]*"
    r"(?:\s+(?:[A-Z][\w.'’-]*|de|van|von|al|bin|and|&|,))*\s*(?:[,|/–—-]\s*[\w .'’&-]{0,40})?\W*$"
)


def is_promo(line: str) -> bool:
    s = line.strip()
    return len(s.split()) <= PROMO_WORDS and bool(PROMO.match(s))


def is_boilerplate(line: str) -> bool:
    s = line.strip()
    words = s.split()
    return 0 < len(words) <= SHORT_LINE and (bool(FURNITURE.match(s)) or bool(PROMO.match(s)))


def is_caption(line: str) -> bool:
    s = line.strip()
    return bool(s) and len(s.split()) <= CAPTION_WORDS and (bool(CAPTION.search(s)) or bool(CREDIT.match(s)))
