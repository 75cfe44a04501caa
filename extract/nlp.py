"""The blank English pipeline with one span_ruler whose patterns are data.

Patterns live in extract/patterns/<label>.jsonl, one JSON object a line:
{"label": ..., "id": "kebab-case-form", "pattern": [...] or "phrase",
"examples": [...]}. The span's `id_` names the rule that found it.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import spacy
from spacy.language import Language

PATTERN_DIR = Path(__file__).with_name("patterns")
SPANS_KEY = "items"


class PatternError(ValueError):
    """A pattern file line that is not a valid pattern."""


def load_patterns(directory: Path = PATTERN_DIR) -> list[dict]:
    """Every pattern of every *.jsonl file, each checked for its keys.

    Raises PatternError("extract/patterns/x.jsonl:12: <reason>").
    """
    patterns = []
    for path in sorted(directory.glob("*.jsonl")):
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if not line.strip():
                continue
            where = f"{path.parent.parent.name}/{path.parent.name}/{path.name}:{number}"
            try:
                entry = json.loads(line)
            except json.JSONDecodeError as exc:
                raise PatternError(f"{where}: {exc}") from exc
            missing = {"label", "id", "pattern", "examples"} - entry.keys()
            extra = entry.keys() - {"label", "id", "pattern", "examples", "note"}
            if missing or extra:
                raise PatternError(
                    f"{where}: missing {missing or '-'}, unknown {extra or '-'}"
                )
            if entry["label"] != path.stem:
                raise PatternError(
                    f"{where}: label {entry['label']!r} is not {path.stem!r}"
                )
            patterns.append(entry)
    return patterns


def build_nlp(patterns: list[dict] | None = None) -> Language:
    """A blank English pipeline whose span_ruler holds `patterns` (default: all)."""
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe(
        "span_ruler",
        config={
            "spans_key": SPANS_KEY,
            "validate": True,
            "phrase_matcher_attr": "LOWER",
            "spans_filter": {"@misc": "spacy.first_longest_spans_filter.v1"},
        },
    )
    entries = load_patterns() if patterns is None else patterns
    try:
        ruler.add_patterns(
            [{k: e[k] for k in ("label", "id", "pattern")} for e in entries]
        )
    except Exception as exc:  # spaCy's validation error names no file
        raise PatternError(f"extract/patterns: {exc}") from exc
    return nlp


@lru_cache(maxsize=1)
def get_nlp() -> Language:
    """The process's one pipeline, built on first use."""
    return build_nlp()
