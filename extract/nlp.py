"""The blank English pipeline with one span_ruler whose patterns are data.

Patterns live in extract/patterns/<label>.jsonl, one JSON object a line:
{"label": ..., "id": "kebab-case-form", "pattern": [...] or "phrase",
"examples": [...]}. The span's `id_` names the rule that found it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path

from .lightspacy import import_spacy

spacy = import_spacy()

from spacy.language import Language  # noqa: E402
from spacy.matcher import Matcher  # noqa: E402
from spacy.tokens import Span  # noqa: E402
from spacy.vocab import Vocab  # noqa: E402

PATTERN_DIR = Path(__file__).with_name("patterns")
SPANS_KEY = "items"
CONTEXT_KEY = "context"
SUBJECT_KEY = "subject"
# Labels that say something about a block rather than announce an item; their
# own ruler, so that an overlapping item cue ("The force should" in "The force
# should be commended") does not filter them out.
CONTEXT_LABELS = ("not_item", "status")
# Who must act, named any way ("Custody personnel should"): a weaker, wider
# cue than an addressee's, in its own ruler so that it never hides one.
SUBJECT_LABELS = ("subject",)
# (pipe name, spans key, labels): item cues (every other label), then the
# context labels' own ruler, then the subjects'.
RULERS = (
    ("span_ruler", SPANS_KEY, None),
    ("context_ruler", CONTEXT_KEY, CONTEXT_LABELS),
    ("subject_ruler", SUBJECT_KEY, SUBJECT_LABELS),
)
OWN_RULER_LABELS = CONTEXT_LABELS + SUBJECT_LABELS
# Token attributes whose pattern values are the words themselves.
LITERAL_ATTRS = ("LOWER", "ORTH", "TEXT")
_VALIDATING_VOCAB = Vocab()


class PatternError(ValueError):
    """A pattern file line that is not a valid pattern."""


ROLES = {"cue", "label", "section", "lead-in"}
"""What a pattern's match does: names an item's kind as a label ("Area for
improvement 2"), heads a section ("Recommendations"), opens a
recommendation as a lead-in ("We recommend that"), or is a plain cue (the
default: an addressee, a status, a non-item)."""


@lru_cache(maxsize=1)
def roles() -> dict[str, str]:
    """Each pattern id's role (extract/patterns/*.jsonl "role", default "cue")."""
    return {e["id"]: e.get("role", "cue") for e in load_patterns()}


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
            extra = entry.keys() - {
                "label",
                "id",
                "role",
                "pattern",
                "examples",
                "note",
            }
            if missing or extra:
                raise PatternError(
                    f"{where}: missing {missing or '-'}, unknown {extra or '-'}"
                )
            if entry.get("role", "cue") not in ROLES:
                raise PatternError(
                    f"{where}: role {entry['role']!r} is not one of {sorted(ROLES)}"
                )
            if entry["label"] != path.stem:
                raise PatternError(
                    f"{where}: label {entry['label']!r} is not {path.stem!r}"
                )
            check_pattern(entry, where)
            patterns.append(entry)
    return patterns


def check_pattern(entry: dict, where: str) -> None:
    """Raise PatternError(where: reason) unless spaCy accepts the token pattern.

    Without this, spaCy rejects a bad pattern only when the whole ruler is
    built, naming no file, and {"IN": "x"} would match nothing at all.
    """
    if isinstance(entry["pattern"], str):
        return
    try:
        Matcher(_VALIDATING_VOCAB, validate=True).add(entry["id"], [entry["pattern"]])
    except Exception as exc:  # spaCy raises ValueError/MatchPatternError/TypeError
        reason = " ".join(str(exc).split())[:300]
        raise PatternError(f"{where}: {reason}") from exc


def build_nlp(patterns: list[dict] | None = None) -> Language:
    """A blank English pipeline whose span_ruler holds `patterns` (default: all)."""
    nlp = spacy.blank("en")
    entries = load_patterns() if patterns is None else patterns
    for name, key, labels in RULERS:
        ruler = nlp.add_pipe(
            "span_ruler",
            name=name,
            config={
                "spans_key": key,
                "validate": True,
                "phrase_matcher_attr": "LOWER",
                "spans_filter": {"@misc": "spacy.first_longest_spans_filter.v1"},
            },
        )
        try:
            ruler.add_patterns(
                [
                    {k: e[k] for k in ("label", "id", "pattern")}
                    for e in entries
                    if (
                        e["label"] in labels
                        if labels
                        else e["label"] not in OWN_RULER_LABELS
                    )
                ]
            )
        except Exception as exc:  # spaCy's validation error names no file
            raise PatternError(f"extract/patterns: {exc}") from exc
    return nlp


@lru_cache(maxsize=1)
def get_nlp() -> Language:
    """The process's one pipeline, built on first use."""
    return build_nlp()


# --- skipping texts no pattern can match --------------------------------------------
#
# Most blocks of a report are narrative that no pattern matches, and spaCy's
# Matcher tries every pattern at every token (a third of extraction after
# parsing). A pattern can only match a text holding, for each of its tokens
# that cannot be skipped and that names its words, one of those words; a
# ruler none of whose patterns can match is not run. This only ever skips
# work whose result is known to be empty (tests/test_nlp.py checks the spans
# are the same as the full pipeline's).


def required_words(pattern: list[dict] | str, make_doc) -> tuple[frozenset, ...]:
    """For each token `pattern` cannot do without, the words it accepts.

    A token counts when it has no "OP" (or "+") and a LOWER, ORTH or TEXT value
    that is a string or an {"IN": [...]} list; a token matched by regex, shape,
    NOT_IN or anything else requires nothing, so an unknown form errs towards
    running the matcher. A phrase pattern (a string) requires each of its words.
    """
    if isinstance(pattern, str):
        return tuple(frozenset([token.lower_]) for token in make_doc(pattern))
    required = []
    for token in pattern:
        if token.get("OP", "+") != "+":
            continue
        for attr, value in token.items():
            if attr.upper() not in LITERAL_ATTRS:
                continue
            if isinstance(value, str):
                required.append(frozenset([value]))
            elif isinstance(value, dict) and set(value) == {"IN"}:
                required.append(frozenset(value["IN"]))
    return tuple(required)


def could_match(words: set[str], requirements: Iterable[tuple[frozenset, ...]]):
    """True if some pattern's every required token has a word in `words`."""
    return any(all(accepted & words for accepted in req) for req in requirements)


@lru_cache(maxsize=4)
def ruler_requirements(nlp: Language) -> tuple[tuple, ...]:
    """(ruler, spans key, required_words of each of its patterns) per ruler."""
    return tuple(
        (
            nlp.get_pipe(name),
            key,
            tuple(
                required_words(entry["pattern"], nlp.make_doc)
                for entry in nlp.get_pipe(name).patterns
            ),
        )
        for name, key, _ in RULERS
    )


def text_spans(texts: Iterable[str], nlp: Language | None = None) -> Iterator[list]:
    """The item spans then the context spans of each text: what running `nlp`
    on it gives, without running a ruler none of whose patterns can match."""
    nlp = nlp or get_nlp()
    rulers = ruler_requirements(nlp)
    for doc in nlp.tokenizer.pipe(texts):
        words = {token.lower_ for token in doc} | {token.orth_ for token in doc}
        spans: list[Span] = []
        for ruler, key, requirements in rulers:
            if could_match(words, requirements):
                doc = ruler(doc)
                spans.extend(doc.spans[key])
        yield spans
