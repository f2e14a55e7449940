"""The stages, in the order they run. This tuple is the only registry:
adding a stage means writing its module here and naming its class below.
"""

from __future__ import annotations

from .base import Stage
from .clean import Clean
from .entities import Entities
from .language import Language
from .parse import Parse
from .places import Places

STAGES: tuple[type[Stage], ...] = (
    Clean,
    Language,
    Parse,
    Entities,
    Places,
)

__all__ = ["STAGES", "Stage"]
