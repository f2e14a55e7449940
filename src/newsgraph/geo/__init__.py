"""Offline geography: a gazetteer built from data shipped on PyPI, and toponym resolution.

``gazetteer`` builds the place table (countries, first-level regions, cities
and towns, continents and macro-regions) once into a Parquet file in the user
cache and loads it into an in-memory name index; ``resolve`` scores the
candidates of each place mention with the document's context.
"""

from .gazetteer import Gazetteer, Place, load_gazetteer, normalize

__all__ = ["Gazetteer", "Place", "load_gazetteer", "normalize"]
