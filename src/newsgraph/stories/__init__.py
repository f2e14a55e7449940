"""Stories: which documents report the same real-world event, grouped as they arrive.

Cross-article work: it reads finished Articles (or stored records), never the stages.
:mod:`.features` (what is read from a document), :mod:`.cluster` (incremental
assignment with a candidate index bounded by a time window; batch and repair
passes), :mod:`.weights` / :mod:`.learn` (the learned model), :mod:`.metrics`
(B-cubed and ARI).
"""

from __future__ import annotations

from .cluster import Assignment, Clusterer, Story, batch, by_date, story_id, stream
from .features import StoryDoc, from_article

__all__ = ["Assignment", "Clusterer", "Story", "StoryDoc", "batch", "by_date", "from_article", "story_id", "stream"]
