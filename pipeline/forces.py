"""A force's name as an analyst types it -> the name the register uses, or a refusal.

`--force "West Mids"` used to match nothing and write a paper with no reports
and "graded Red: 0". Names are resolved against extract/data/forces.json: the
full name or an alias ("WMP", "the Met"), the place name alone ("Kent",
"West Midlands"), the usual shortenings of a place ("West Mids", "Met",
"Lancs") and initials ("GMP"). A name that resolves to none, or to several,
is refused with the closest names, so a wrong name never gives an empty
answer.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources
from pathlib import Path

from . import tracking

FORCES_PATH = resources.files("extract").joinpath("data/forces.json")

# How analysts shorten place names; each key is one word of a typed name.
SHORTENINGS = {
    "mids": "midlands", "met": "metropolitan", "yorks": "yorkshire",
    "lancs": "lancashire", "leics": "leicestershire", "notts": "nottinghamshire",
    "staffs": "staffordshire", "glos": "gloucestershire", "herts": "hertfordshire",
    "beds": "bedfordshire", "cambs": "cambridgeshire", "hants": "hampshire",
    "wilts": "wiltshire", "northants": "northamptonshire", "lincs": "lincolnshire",
    "derbys": "derbyshire", "&": "and", "st": "saint",
}  # fmt: skip
_SUFFIX = re.compile(
    r"\s+(?:police(?: service| force)?|constabulary|fire and rescue(?: service)?"
    r"|fire(?: service| brigade)?|service|force)$"
)
_FILLER = {"and", "of", "the"}


class UnknownForce(ValueError):
    """A force name that matches no force or fire service, or more than one."""


@lru_cache(maxsize=1)
def known_forces() -> tuple[dict, ...]:
    """The forces and fire services of extract/data/forces.json."""
    return tuple(json.loads(FORCES_PATH.read_text("utf-8")))


def _words(name: str) -> str:
    text = name.casefold().replace("’", "'").replace("-", " ")
    text = re.sub(r"[^\w&' ]+", " ", text)
    words = [SHORTENINGS.get(w, w) for w in text.split()]
    return " ".join(w for w in words if w != "the")


def _place(name: str) -> str:
    return _SUFFIX.sub("", _words(name))


def _initials(name: str) -> str:
    return "".join(w[0] for w in _words(name).split() if w not in _FILLER)


def _keys(force: dict) -> dict[str, set[str]]:
    names = [force["name"], *force["aliases"]]
    return {
        "name": {_words(n) for n in names},
        "place": {_place(n) for n in names},
        "initials": {_initials(force["name"])},
    }


def resolve_force(typed: str, tracked: Iterable[str] = ()) -> str:
    """The forces.json name that `typed` means, or UnknownForce saying why.

    Tried in turn: full names and aliases, place names, initials (one word
    only). Where a place fits several ("Kent": the police and the fire
    service), the ones the register tracks (`tracked`) are preferred, then the
    police force.

    >>> resolve_force("West Mids")
    'West Midlands Police'
    >>> resolve_force("WMP")
    'West Midlands Police'
    """
    tracked = set(tracked)
    forces = known_forces()
    wanted = _words(typed)
    for kind in ("name", "place", "initials"):
        if kind == "initials" and " " in wanted:
            continue
        key = wanted if kind != "place" else _place(typed)
        found = [f for f in forces if key and key in _keys(f)[kind]]
        if found:
            return _one_of(typed, found, tracked)
    raise UnknownForce(
        f"{typed!r} is not a force or fire service; did you mean "
        f"{_or(closest_forces(typed))}? (names and aliases: {FORCES_PATH.name})"
    )


def _one_of(typed: str, found: list[dict], tracked: set[str]) -> str:
    for prefer in (
        lambda f: True,
        lambda f: f["name"] in tracked,
        lambda f: f["name"] in tracked and f["type"] == "police",
        lambda f: f["type"] == "police",
    ):
        chosen = [f for f in found if prefer(f)]
        if len(chosen) == 1:
            return chosen[0]["name"]
    names = [f["name"] for f in found]
    raise UnknownForce(f"{typed!r} could be {_or(names)}; give the full name")


def closest_forces(typed: str, limit: int = 3) -> list[str]:
    """The `limit` force names most like `typed`, closest first."""
    from rapidfuzz import fuzz, process

    # By place name, so "Police" or "Constabulary" does not decide.
    choices = {f["name"]: _place(f["name"]) for f in known_forces()}
    matches = process.extract(_place(typed), choices, scorer=fuzz.ratio, limit=limit)
    return [name for _, _, name in matches]


def _or(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


def tracked_forces(db_path: str | Path) -> list[str]:
    """The forces the register at `db_path` can speak for, sorted: those it
    tracks (the analyst's list, `hmic forces track`) and those whose reports
    it holds."""
    import sqlite3

    uri = f"file:{Path(db_path).resolve()}?mode=ro"
    with sqlite3.connect(uri, uri=True) as conn:
        names = {row[0] for row in conn.execute(tracking.TRACKED_BY_REPORTS_SQL)}
        listed = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE name = 'tracked_forces'"
        ).fetchone()
        if listed:  # a register migrated since the list was added
            names.update(tracking.listed_forces(conn))
    return sorted(names)


def resolve_tracked_force(typed: str, tracked: list[str]) -> str:
    """`resolve_force`, refused too when the register holds no report of it (a
    paper or export of national items only would pass for the force's)."""
    name = resolve_force(typed, tracked)
    if name not in tracked:
        holds = _or(tracked) if tracked else "no force's reports"
        raise UnknownForce(
            f"{typed!r} is {name}, and the register holds no report of it nor "
            f"tracks it; it has {holds} (`hmic forces track NAME` adds one)"
        )
    return name
