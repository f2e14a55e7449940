"""The stages, in the order they run. This tuple is the only registry:
adding a stage means writing its module here and naming its class below.
"""

from __future__ import annotations

from .base import Stage
from .clean import Clean
from .coref import Coref
from .entities import Entities
from .language import Language
from .parse import Parse
from .quotes import Quotes

STAGES: tuple[type[Stage], ...] = (
    Clean,
    Language,
    Parse,
    Entities,
    Coref,
    Quotes,
)

__all__ = ["STAGES", "Stage"]
