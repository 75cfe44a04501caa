"""Which forces must act on each item, and where each one has got to.

An item applies to the force of every report that prints it (the inspected
force, or the force whose tracker quotes it); an item printed in a national
report applies to every force the register tracks: the forces an analyst has
listed (`hmic forces track NAME`, table `tracked_forces`), or, while that list
is empty, every force whose reports it holds. Status, RAG, owner and target
date are kept per (item, force) in `status_history.force`: a force's value is
its newest entry for that force, or for no force (an entry made before
per-force tracking, which applied to them all), ordered as
`register.refresh_item` orders them.

An item addressed to another body (the Home Office, the College of Policing,
the NPCC, police and crime commissioners, HMICFRS …) is kept and shown to
each force "for information": it is not the force's to close, so it is not
counted among the force's outstanding items.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable

from extract.addressee import text_to_addressee

FIELDS = ("status", "rag", "owner", "target_date")

TRACKED_BY_REPORTS_SQL = "SELECT DISTINCT force FROM reports WHERE force IS NOT NULL"
TRACKED_SQL = (
    "SELECT force FROM tracked_forces UNION "
    f"{TRACKED_BY_REPORTS_SQL} AND NOT EXISTS (SELECT 1 FROM tracked_forces)"
)
"""The forces the register tracks: the analyst's list, else its reports' forces."""


def applies_sql(tracked_sql: str = TRACKED_SQL) -> str:
    """(item_id, force) for every force an item applies to: its reports' forces,
    and for a printing in a national report every force of `tracked_sql`."""
    return f"""
SELECT DISTINCT occurrences.item_id, reports.force
FROM occurrences JOIN reports ON reports.id = occurrences.report_id
WHERE reports.force IS NOT NULL
UNION
SELECT DISTINCT occurrences.item_id, tracked.force
FROM occurrences JOIN reports ON reports.id = occurrences.report_id
JOIN ({tracked_sql}) AS tracked
WHERE reports.force IS NULL
"""


APPLIES_SQL = applies_sql()
APPLIES_BY_REPORTS_SQL = applies_sql(TRACKED_BY_REPORTS_SQL)
"""(item_id, force) for every force an item applies to; migration 6 uses the
second, from before the analyst could list the tracked forces."""

# Bodies other than a force that HMIC recommendations are addressed to.
_OTHER_BODIES = re.compile(
    r"home office|college of policing|national police chiefs|\bnpcc\b|\bacpo\b"
    r"|police and crime commissioner|\bpccs?\b|mayor'?s office|\bmopac\b"
    r"|\bhmic(?:frs)?\b|inspectorate|\bcps\b|crown prosecution|chief crown"
    r"|ministry of justice|government|national (?:policing )?lead"
    r"|safeguarding children board|clinical commissioning|county council"
    r"|social care|local authorit",
    re.IGNORECASE,
)
_FORCE_WORDS = re.compile(
    r"\bforces?\b|\bconstabular(?:y|ies)\b|\bpolice\b|chief constables?"
    r"|chief officers?|\bservices?\b|\bbrigade\b",
    re.IGNORECASE,
)
_LEAD_CHARS = 160


def is_for_information(addressee: str | None, text: str | None = None) -> bool:
    """True when the item is addressed to a body other than a force.

    Reads `addressee` (as extraction or pipeline/dedupe.py found it: "The
    Home Office"), or who `text` addresses when there is none, past a lead-in,
    a deadline and partners ("Within six months, the Home Office, working
    with the NPCC lead and the CPS, should"). A force named beside another body
    ("Chief constables and chief Crown prosecutors") keeps it the force's.

    >>> is_for_information("The College of Policing")
    True
    >>> is_for_information("Norfolk County Council and Norfolk Constabulary")
    False
    """
    who = addressee or text_to_addressee(text or "") or _lead(text or "")
    others = _OTHER_BODIES.findall(who)
    rest = _OTHER_BODIES.sub(" ", who)
    return bool(others) and not _FORCE_WORDS.search(rest)


def _lead(text: str, max_words: int = 14) -> str:
    """The words before the first "should", "must" or "to": who is asked to
    act, or "" when that is a longer sentence (a finding, not a request)."""
    match = re.search(r"\b(?:should|must|to)\b", text[:_LEAD_CHARS])
    lead = text[: match.start()] if match else ""
    return lead if len(lead.split()) <= max_words else ""


def tracked_forces(conn) -> list[str]:
    """The forces the register tracks, sorted: the analyst's list
    (`listed_forces`), or the forces whose reports it holds when that is empty."""
    return sorted(row[0] for row in conn.execute(TRACKED_SQL))


def listed_forces(conn) -> list[str]:
    """The forces an analyst has listed with `hmic forces track`, sorted."""
    return [r[0] for r in conn.execute("SELECT force FROM tracked_forces ORDER BY 1")]


def track_force(conn, force: str, *, analyst: str | None, now: str) -> bool:
    """Add `force` (a name from extract/data/forces.json) to the tracked list;
    False when it was there already. Commits."""
    cursor = conn.execute(
        "INSERT OR IGNORE INTO tracked_forces (force, added_at, added_by) "
        "VALUES (?, ?, ?)",
        [force, now, analyst],
    )
    conn.commit()
    return cursor.rowcount == 1


def untrack_force(conn, force: str) -> bool:
    """Take `force` off the tracked list; False when it was not on it. Commits.
    Its history stays: tracking it again shows it as it was."""
    cursor = conn.execute("DELETE FROM tracked_forces WHERE force = ?", [force])
    conn.commit()
    return cursor.rowcount == 1


def item_forces(conn, item_id: str) -> list[str]:
    """The forces `item_id` applies to, sorted."""
    rows = conn.execute(
        f"SELECT force FROM ({APPLIES_SQL}) WHERE item_id = ? ORDER BY force",
        [item_id],
    )
    return [row[0] for row in rows]


def newest_values(entries: Iterable[dict], force: str | None) -> dict:
    """Each of FIELDS (and status_printed) as `force`'s newest entries set it.

    `entries` are one item's status_history rows as dicts; an entry for no
    force applies to every force. With `force` None, every entry counts.
    """
    values: dict = dict.fromkeys((*FIELDS, "status_printed"))
    newest: dict[str, tuple] = {}
    for entry in entries:
        if force is not None and entry.get("force") not in (None, force):
            continue
        key = (entry["date"] or "", entry["source"] == "analyst",
               entry["recorded_at"] or "", entry["id"])  # fmt: skip
        if entry["field"] in FIELDS and key > newest.get(entry["field"], ()):
            newest[entry["field"]] = key
            values[entry["field"]] = entry["value"]
            if entry["field"] == "status":
                values["status_printed"] = entry["printed"]
    values["status"] = values["status"] or "open"
    return values


def force_states(conn) -> dict[str, list[dict]]:
    """Item id → one dict per force it applies to, sorted by force: force,
    status, rag, owner, target_date, for_information."""
    history: dict[str, list[dict]] = defaultdict(list)
    columns = ("id", "item_id", "field", "value", "printed", "date", "source",
               "recorded_at", "force")  # fmt: skip
    for row in conn.execute(f"SELECT {', '.join(columns)} FROM status_history"):
        entry = dict(zip(columns, row, strict=True))
        history[entry["item_id"]].append(entry)
    info = {
        item_id: is_for_information(addressee, text)
        for item_id, addressee, text in conn.execute(
            "SELECT id, addressee, text FROM items"
        )
    }
    states: dict[str, list[dict]] = defaultdict(list)
    for item_id, force in conn.execute(f"{APPLIES_SQL} ORDER BY 1, 2"):
        values = newest_values(history.get(item_id, ()), force)
        states[item_id].append(
            {"force": force, **{f: values[f] for f in FIELDS},
             "for_information": info.get(item_id, False)}
        )  # fmt: skip
    return dict(states)
