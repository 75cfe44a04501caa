"""Imported once by the extraction fork server (extract/isolate.py), so that each
worker starts with every extraction module imported, the force list read and the
spaCy pipeline built, instead of paying for them on every worker."""

from rapidfuzz import fuzz  # noqa: F401  (items.py imports it on first use)

from . import child, items, layout, metadata, report, tracker  # noqa: F401
from .nlp import PatternError, get_nlp

metadata.forces()
try:
    get_nlp()
except PatternError:  # the worker builds it again and reports the error properly
    pass
