"""Leaf: the packaged YAML data files (``newsgraph/data/*.yaml``), parsed with libyaml.

PyYAML's pure-Python loader took 0.86 s of every process's start-up over the eight
data files; the C loader (``CSafeLoader``, shipped in PyYAML's wheels) reads the
same documents about ten times faster. Falls back to the Python loader where PyYAML
was built without libyaml. Imports nothing of newsgraph.
"""

from __future__ import annotations

from importlib import resources
from typing import Any

import yaml

try:
    _Loader: Any = yaml.CSafeLoader
except AttributeError:  # PyYAML built without libyaml
    _Loader = yaml.SafeLoader


def parse_yaml(text: str) -> Any:
    """A YAML document (safe subset), like ``yaml.safe_load``."""
    return yaml.load(text, Loader=_Loader)


def load_data(name: str) -> Any:
    """A packaged data file, e.g. ``load_data("plover.yaml")``."""
    text = resources.files("newsgraph").joinpath("data", name).read_text(encoding="utf-8")
    return parse_yaml(text)
