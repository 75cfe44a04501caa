"""Import spaCy without its command-line interface, halving import time.

spaCy 3.8's `import spacy` runs `from .cli.info import info`, and spacy.cli
imports typer, weasel, requests and httpx: about half of spaCy's import time
(0.5 s here) and 12 MiB, on every `hmic extract` and in every worker, for a
CLI we never call (spaCy's own pull request 12962 makes this import lazy).
So, while spaCy imports, `spacy.cli` and `spacy.cli.info` are stand-ins whose
`info` imports the real one on first call; then they are removed, so a later
`import spacy.cli` gets the real package. If spaCy is already imported, or
ever imports more of its CLI than `info`, this falls back to a plain import.
"""

from __future__ import annotations

import sys
import types

STAND_INS = ("spacy.cli", "spacy.cli.info")


def info(*args, **kwargs):
    """spacy.info, imported from spacy.cli only when called."""
    from spacy.cli.info import info as real_info

    return real_info(*args, **kwargs)


def stand_ins() -> tuple[types.ModuleType, types.ModuleType]:
    """Modules standing in for spacy.cli and spacy.cli.info while spaCy imports."""
    package = types.ModuleType("spacy.cli")
    package.__path__ = []  # a package, so `spacy.cli.info` can be its child
    module = types.ModuleType("spacy.cli.info")
    module.info = info
    package.info = module
    return package, module


def import_spacy() -> types.ModuleType:
    """`import spacy` without spacy.cli; returns the spacy module."""
    if "spacy" in sys.modules:
        import spacy

        return spacy
    package, module = stand_ins()
    sys.modules.update(zip(STAND_INS, (package, module), strict=True))
    try:
        import spacy
        import spacy.lang.en  # noqa: F401  (spacy.blank("en") imports it anyway)
    except ImportError:
        # spaCy wanted more of its CLI than the stand-ins hold: import it whole.
        for name in ("spacy", *STAND_INS):
            sys.modules.pop(name, None)
        for name in [m for m in sys.modules if m.startswith("spacy.")]:
            del sys.modules[name]
        import spacy
    finally:
        for name in STAND_INS:
            if sys.modules.get(name) in (package, module):
                del sys.modules[name]
    if getattr(spacy, "cli", None) is package:
        del spacy.cli
    return spacy
