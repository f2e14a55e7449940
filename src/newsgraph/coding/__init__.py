"""Event coding support: the PLOVER/CAMEO lexicon (:mod:`.plover`), the actor coder
(:mod:`.actors`) and the dependency-pattern event extractor (:mod:`.extract`).

The stages in ``stages/events.py`` and ``stages/counts.py`` are thin wrappers over
this package, so the coding logic can be used and tested without a pipeline.
"""
