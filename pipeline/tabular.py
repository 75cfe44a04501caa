"""The register as pandas tables, filtered, and written as CSV or XLSX.

register.db ─▶ `read_register` ─▶ `Register` (four DataFrames) ─▶ `filter_register`
─▶ `items_table` (one row per item) ─▶ `write_csv` / `write_xlsx`.

Only `read_register` and the writers do I/O; the rest take frames and return
new frames. `pipeline/committee/` builds the committee update on the same
`Register`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import IO

import pandas as pd

from .tracking import is_for_information

# The columns of pipeline/SCHEMA.md that the tables below read. A register
# written before a migration added one of them still loads: the column is empty.
COLUMNS = {
    "reports": [
        "id", "sha256", "file_name", "path", "title", "published", "inspectorates",
        "force", "kind", "pages", "response_due", "placeholder",
    ],
    "items": [
        "id", "kind", "text", "addressee", "deadline_text", "deadline_date", "status",
        "status_printed", "rag", "owner", "target_date", "notes", "closure_evidence",
        "first_report_id", "first_published", "missing_since", "created_at",
        "updated_at", "rejected_at",
    ],
    "occurrences": [
        "id", "item_id", "report_id", "kind", "number", "page", "text", "position",
        "parent_item_id", "source_report", "status_printed", "match_score",
    ],
    "status_history": [
        "id", "item_id", "field", "value", "printed", "date", "source", "report_id",
        "note", "recorded_at", "force",
    ],
}  # fmt: skip

DATE_COLUMNS = ("published", "target_date", "deadline_date")


@dataclass(frozen=True)
class Register:
    """The register's tables as DataFrames (columns as in pipeline/SCHEMA.md)."""

    reports: pd.DataFrame
    items: pd.DataFrame
    occurrences: pd.DataFrame
    history: pd.DataFrame
    force: str | None = None  # whose statuses `items` holds (None: anyone's newest)
    listed: tuple[str, ...] = ()  # the forces an analyst listed as tracked, if any


# --- reading -------------------------------------------------------------------


def read_register(db_path: str | Path) -> Register:
    """Read reports, items, occurrences and status_history from a register file.

    Opens the file read-only, so a report never changes the register. Dates
    stay ISO strings; `to_day` parses them where a computation needs one.
    Items an analyst rejected (`register.reject_item`) are left out.
    """
    uri = f"file:{Path(db_path).resolve()}?mode=ro"
    with sqlite3.connect(uri, uri=True) as conn:
        tables = {name: _read_table(conn, name) for name in COLUMNS}
        listed = _listed_forces(conn)
    items = tables["items"]
    rejected = set(items.loc[items["rejected_at"].notna(), "id"])
    keep = {
        "items": ~items["id"].isin(rejected),
        "occurrences": ~tables["occurrences"]["item_id"].isin(rejected),
        "status_history": ~tables["status_history"]["item_id"].isin(rejected),
    }
    return Register(
        reports=tables["reports"],
        items=items[keep["items"]],
        occurrences=tables["occurrences"][keep["occurrences"]],
        history=tables["status_history"][keep["status_history"]],
        listed=listed,
    )


def _listed_forces(conn: sqlite3.Connection) -> tuple[str, ...]:
    if not conn.execute(
        "select 1 from sqlite_master where type = 'table' and name = 'tracked_forces'"
    ).fetchone():
        return ()  # a register from before the list (migration 11)
    return tuple(row[0] for row in conn.execute("select force from tracked_forces"))


def _read_table(conn: sqlite3.Connection, name: str) -> pd.DataFrame:
    exists = conn.execute(
        "select 1 from sqlite_master where type = 'table' and name = ?", [name]
    ).fetchone()
    frame = (
        pd.read_sql_query(f"select * from [{name}]", conn)
        if exists
        else pd.DataFrame(columns=COLUMNS[name])
    )
    for column in COLUMNS[name]:
        if column not in frame.columns:
            frame[column] = None
    return frame.astype(object).where(frame.notna(), None)


def to_day(values: pd.Series) -> pd.Series:
    """ISO date or datetime strings (or None) to midnight Timestamps (NaT if absent)."""
    parsed = pd.to_datetime(values, errors="coerce", format="ISO8601", utc=True)
    if not len(parsed):
        return pd.Series(values, dtype="datetime64[us]")
    return parsed.dt.tz_localize(None).dt.normalize().dt.as_unit("us")


# --- filtering -----------------------------------------------------------------


def filter_register(
    register: Register,
    force: str | None = None,
    kinds: Iterable[str] = (),
    statuses: Iterable[str] = (),
    since: date | None = None,
) -> Register:
    """The register restricted to the items that pass every filter given.

    - force: items printed in a report of that force (case-insensitive) or in a
      national report (no force), since national recommendations are addressed
      to every force the register tracks (all, unless the analyst listed the
      tracked forces and this is not one of them); their status, RAG, owner
      and target date become that force's (`for_force`), before the status
      filter reads them.
    - kinds, statuses: the item's kind and current status (a missing status is open).
    - since: items printed in a report published on or after the date, or with
      a status_history entry dated on or after it.

    Occurrences and history keep the rows of the items kept; reports keep the
    reports those occurrences are printed in.
    """
    items = register.items
    if force:
        reports = register.reports
        tracked = not register.listed or force.casefold() in {
            name.casefold() for name in register.listed
        }
        wanted = (reports["force"].isna() & tracked) | (
            reports["force"].astype(str).str.casefold() == force.casefold()
        )
        items = items[items["id"].isin(_items_in_reports(register, reports[wanted]))]
        forced = for_force(register, _canonical(reports, force))
        items = forced.items[forced.items["id"].isin(items["id"])]
        register = forced
    kinds, statuses = list(kinds), list(statuses)
    if kinds:
        items = items[items["kind"].isin(kinds)]
    if statuses:
        items = items[items["status"].fillna("open").isin(statuses)]
    if since is not None:
        items = items[items["id"].isin(_items_since(register, since))]
    return _restrict_to_items(register, items)


def for_force(register: Register, force: str) -> Register:
    """The register with each item's fields as `force` has them: from that
    force's history entries and those for no force (pipeline/tracking.py)."""
    history = register.history
    mine = history[history["force"].isna() | (history["force"] == force)]
    items = _fields_from_history(register.items, mine)
    return replace(register, items=items, force=force)


def _canonical(reports: pd.DataFrame, force: str) -> str:
    """`force` as the reports spell it ("kent police" → "Kent Police")."""
    names = reports["force"].dropna().astype(str)
    same = names[names.str.casefold() == force.casefold()]
    return same.iloc[0] if len(same) else force


def _items_in_reports(register: Register, reports: pd.DataFrame) -> set:
    occurrences = register.occurrences
    return set(occurrences.loc[occurrences["report_id"].isin(reports["id"]), "item_id"])


def _items_since(register: Register, since: date) -> set:
    start = pd.Timestamp(since)
    reports = register.reports
    recent = reports[to_day(reports["published"]) >= start]
    history = register.history
    changed = set(history.loc[to_day(history["date"]) >= start, "item_id"])
    return _items_in_reports(register, recent) | changed


def _restrict_to_items(register: Register, items: pd.DataFrame) -> Register:
    occurrences = register.occurrences[
        register.occurrences["item_id"].isin(items["id"])
    ]
    report_ids = set(occurrences["report_id"]) | set(items["first_report_id"])
    return replace(
        register,
        items=items,
        occurrences=occurrences,
        reports=register.reports[register.reports["id"].isin(report_ids)],
        history=register.history[register.history["item_id"].isin(items["id"])],
    )


# --- as the register stood on a day ------------------------------------------------

AS_OF_FIELDS = ("status", "rag", "owner", "target_date")


def register_as_of(register: Register, day: date, force: str | None = None) -> Register:
    """The register as it stood at the end of `day`, replayed from its history.

    Reports published after `day` are left out, with their printings; an item
    with no printing left (first printed after `day`) is left out; history
    entries dated after `day` are left out, and each item's status, RAG, owner
    and target date are the newest entry left (status open, the rest empty,
    when none is). A report without a date is kept: nothing says it is later.
    With `force`, only that force's entries and those for no force count
    (pipeline/tracking.py), so another force's tracker does not set its status.
    """
    end = pd.Timestamp(day)
    reports = register.reports[~(to_day(register.reports["published"]) > end)]
    occurrences = register.occurrences[
        register.occurrences["report_id"].isin(reports["id"])
    ]
    history = register.history[~(to_day(register.history["date"]) > end)]
    history = history[history["report_id"].isna() | history["report_id"].isin(
        reports["id"]
    )]  # fmt: skip
    if force is not None:
        history = history[history["force"].isna() | (history["force"] == force)]
    items = register.items[register.items["id"].isin(occurrences["item_id"])]
    items = _fields_from_history(items, history)
    return Register(reports=reports, items=items, occurrences=occurrences,
                    history=history, listed=register.listed)  # fmt: skip


def _fields_from_history(items: pd.DataFrame, history: pd.DataFrame) -> pd.DataFrame:
    """`items` with each of AS_OF_FIELDS set from its newest `history` entry, as
    pipeline/register.py's refresh_item orders them (an analyst wins a tie)."""
    ordered = history.assign(
        day=to_day(history["date"]), analyst=history["source"] == "analyst"
    ).sort_values(["day", "analyst", "recorded_at", "id"], na_position="first")
    newest = ordered.drop_duplicates(["item_id", "field"], keep="last")
    items = items.copy()
    for field_name in AS_OF_FIELDS:
        values = newest[newest["field"] == field_name].set_index("item_id")
        column = items["id"].map(values["value"])
        items[field_name] = column.astype(object).where(column.notna(), None)
        if field_name == "status":
            printed = items["id"].map(values["printed"])
            items["status_printed"] = printed.astype(object).where(
                printed.notna(), None
            )
    items["status"] = items["status"].fillna("open")
    return items


# --- one row per item ------------------------------------------------------------


def items_table(register: Register) -> pd.DataFrame:
    """One row per item: its first report, occurrences, status, owner, target, history.

    `occurrences` reads "PEEL 2015 (2016-02-18) no. 3 p. 12; …" in publication
    order; `history` reads "2017-01-10 rag: red (tracker); …" in date order.
    Then `force` (whose statuses these are: the filtered force, else the first
    report's force or "national"), `for_information` (addressed to another
    body), `addressee`, `deadline_text` and `notes`.
    """
    items = register.items
    reports = register.reports.set_index("id")
    first = items["first_report_id"].map(reports["title"])
    table = pd.DataFrame(
        {
            "id": items["id"],
            "kind": items["kind"],
            "report": first,
            "published": items["first_published"],
            "number": items["id"].map(_first_numbers(register)),
            "text": items["text"],
            "status": items["status"].fillna("open"),
            "rag": items["rag"],
            "owner": items["owner"],
            "target_date": items["target_date"],
            "deadline_date": items["deadline_date"],
            "occurrence_count": items["id"].map(
                register.occurrences.groupby("item_id").size()
            ),
            "occurrences": items["id"].map(occurrence_summaries(register)),
            "history": items["id"].map(history_summaries(register)),
            "force": register.force or first_force(register, items),
            "for_information": [
                is_for_information(a, t)
                for a, t in zip(items["addressee"], items["text"], strict=True)
            ],
            "addressee": items["addressee"],
            "deadline_text": items["deadline_text"],
            "notes": items["notes"],
        }
    )
    table["occurrence_count"] = table["occurrence_count"].fillna(0).astype(int)
    return table.sort_values(["published", "report", "id"], na_position="last")


def first_force(register: Register, items: pd.DataFrame) -> pd.Series:
    """Each item's first report's force, or "national" for a national report."""
    forces = register.reports.set_index("id")["force"]
    return items["first_report_id"].map(forces).fillna("national")


def _first_numbers(register: Register) -> pd.Series:
    ordered = _occurrences_by_date(register)
    return ordered.drop_duplicates("item_id").set_index("item_id")["number"]


def _occurrences_by_date(register: Register) -> pd.DataFrame:
    reports = register.reports.set_index("id")
    occurrences = register.occurrences.assign(
        title=register.occurrences["report_id"].map(reports["title"]),
        published=register.occurrences["report_id"].map(reports["published"]),
    )
    return occurrences.sort_values(["published", "position"], na_position="last")


def occurrence_summaries(register: Register) -> pd.Series:
    """Item id → "Title (published) no. N p. P; …", earliest report first."""
    ordered = _occurrences_by_date(register)
    if ordered.empty:
        return pd.Series(dtype=object)
    lines = ordered.apply(_occurrence_line, axis=1)
    return lines.groupby(ordered["item_id"]).agg("; ".join)


def _occurrence_line(row: pd.Series) -> str:
    parts = [f"{row['title']} ({row['published'] or 'undated'})"]
    if row["number"]:
        parts.append(f"no. {row['number']}")
    if row["page"] is not None and not pd.isna(row["page"]):
        parts.append(f"p. {int(row['page'])}")
    return " ".join(parts)


def history_summaries(register: Register) -> pd.Series:
    """Item id → "2017-01-10 rag: red (tracker); …", oldest change first."""
    history = register.history.sort_values(["date", "recorded_at", "id"])
    if history.empty:
        return pd.Series(dtype=object)
    lines = history.apply(
        lambda row: f"{row['date']} {row['field']}: {row['value']} ({row['source']})",
        axis=1,
    )
    return lines.groupby(history["item_id"]).agg("; ".join)


# --- writing -----------------------------------------------------------------------


def write_csv(register: Register, out: IO[str]) -> None:
    """Write `items_table(register)` as CSV (UTF-8, header row) to a text stream."""
    items_table(register).to_csv(out, index=False, lineterminator="\n")


def xlsx_sheets(register: Register) -> dict[str, pd.DataFrame]:
    """The XLSX sheets: items (one row per item), occurrences, reports, history."""
    items = items_table(register)
    for column in DATE_COLUMNS:  # real dates, so a spreadsheet sorts and filters them
        items[column] = to_day(items[column]).dt.date.astype(object)
        items[column] = items[column].where(items[column].notna(), None)
    return {
        "items": items,
        "occurrences": register.occurrences[COLUMNS["occurrences"]],
        "reports": register.reports[COLUMNS["reports"]],
        "history": register.history[COLUMNS["status_history"]],
    }


def write_xlsx(register: Register, path: str | Path) -> None:
    """Write `xlsx_sheets` to an .xlsx file, header frozen, columns sized."""
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        for name, frame in xlsx_sheets(register).items():
            frame.to_excel(writer, sheet_name=name, index=False)
            sheet = writer.sheets[name]
            sheet.freeze_panes = "A2"
            sheet.auto_filter.ref = sheet.dimensions
            for index, width in enumerate(column_widths(frame), start=1):
                letter = sheet.cell(row=1, column=index).column_letter
                sheet.column_dimensions[letter].width = width


def column_widths(frame: pd.DataFrame, lo: int = 8, hi: int = 60) -> list[int]:
    """A width per column: its longest cell or header in characters, clipped to lo..hi.

    >>> column_widths(pd.DataFrame({"id": ["abc"], "text": ["x" * 500]}))
    [8, 60]
    """
    widths = []
    for column in frame.columns:
        cells = frame[column].dropna().astype(str).str.len()
        longest = max([len(str(column)), *cells.tolist()])
        widths.append(min(max(longest + 2, lo), hi))
    return widths
