"""Data dictionaries (Frictionless Table Schema as YAML): load, validate, render."""

from data_dictionary.errors import DyadlabError

__all__ = ["DyadlabError"]
