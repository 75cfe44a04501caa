"""Imported once by the extraction fork server (extract/isolate.py), so that each
child starts with the spaCy pipeline already built instead of paying ~0.4 s."""

from .nlp import PatternError, get_nlp

try:
    get_nlp()
except PatternError:  # the child builds it again and reports the error properly
    pass
