"""The stages, in the order they run. This tuple is the only registry:
adding a stage means writing its module here and naming its class below.
"""

from __future__ import annotations

from .base import Stage
from .clean import Clean
from .coref import Coref
from .counts import Counts
from .dates import Dates
from .entities import Entities
from .events import Events
from .gaps import Gaps
from .language import Language
from .parse import Parse
from .places import Places
from .quotes import Quotes
from .tone import Tone

STAGES: tuple[type[Stage], ...] = (
    Clean,
    Language,
    Parse,
    Entities,
    Coref,
    Quotes,
    Places,
    Gaps,
    Dates,
    Events,
    Counts,
    Tone,
)

__all__ = ["STAGES", "Stage"]
