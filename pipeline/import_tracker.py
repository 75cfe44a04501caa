"""A force's own tracker spreadsheet (.xlsx, .csv) into the register.

```
FILE -> sheets of cells (merged cells filled from their top-left cell)
     -> the header row, found by its names, wherever it is -> TrackerRows
     -> each row linked to the item it tracks (report and number, else text)
     -> dated status_history entries (source "import", file, sheet and row)
```

Every row read is kept in `import_rows`: linked, listed for review (an
unsure link, or a new item of a placeholder report named as the row names
it), or refused with the reason. History entries are unique per row, field,
value and date, so importing a file twice adds nothing; they are dated by
the row's own update date (else the file's), so an analyst's newer entry
stays the item's value (`register.refresh_item`: the newest entry wins).

It is long because forces' spreadsheets vary (header names, merged cells,
dates as text or serials, statuses and RAG in one cell or two); each step of
the diagram is a few small functions over plain rows, in the diagram's order.
"""

from __future__ import annotations

import calendar
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from rapidfuzz import fuzz

from extract.addressee import text_to_addressee
from extract.status import printed_to_status

from . import dedupe, tracking
from .database import Database
from .register import (
    deadline_columns,
    now_iso,
    placeholder_report,
    refresh_item,
    write_transaction,
)
from .statuses import printed_to_rag

FIELDS = (
    "number", "text", "kind", "report", "force", "owner", "target_date",
    "revised_date", "rag", "status", "update", "action", "updated", "closed",
)  # fmt: skip
"""What a column can hold; `--map HEADER=field` names one of these (or ignore)."""

# A header, lower-cased and reduced to words, against these in order: the
# first that matches names its field ("Revised target date" is revised_date
# before it is target_date; "Rec no" a number before it is a recommendation).
HEADER_PATTERNS: list[tuple[str, str]] = [
    (r"\b(?:b?rag|rating)\b", "rag"),
    (r"\brevised\b|\bnew (?:target|due|date|deadline)\b|\bextended\b", "revised_date"),
    (r"\bclosed\b|\bclosure\b|\bdate (?:of )?completion\b|\bdischarged\b", "closed"),
    (r"\bupdated\b|\bupdate date\b|\bdate of (?:last )?update\b|\bas at\b", "updated"),
    (r"\btarget\b|\bdue\b|\bdeadline\b|\btimescale\b|\bcompletion date\b",
     "target_date"),
    (r"\bref(?:erence)?\b|\bno\b|\bnumber\b|\bnum\b|^id$|^#$|^item$", "number"),
    (r"\bowner\b|\blead\b|\bresponsible\b|\baccountable\b|\bportfolio\b", "owner"),
    (r"^(?:police )?force$|^service$", "force"),
    (r"^(?:hmic(?:frs)? |source |parent )?(?:report|inspection)(?: (?:title|name))?$"
     r"|^source$|^inspection report$", "report"),
    (r"^type$|\bkind\b|\bcategory\b|^type of", "kind"),
    (r"\bstatus\b|^progress$|^(?:current )?position$|^state$|^complete$", "status"),
    (r"\bupdates?\b|\bcomments?\b|\bcommentary\b|\bnotes?\b|\bprogress\b"
     r"|\bevidence\b|\bnarrative\b", "update"),
    (r"\bactions?\b|\bmilestones?\b|\btasks?\b", "action"),
    (r"\brecommendations?\b|\bafis?\b|\bareas? for improvement\b"
     r"|\bcauses? of concern\b|\bdescription\b|\bdetails?\b|\btext\b|\bfindings?\b",
     "text"),
]  # fmt: skip
IDENTITY = ("number", "text", "report", "kind")
"""The fields that say which item a row is about: a row with none of them
under a row that has them continues it (one row per action, unmerged)."""
HEADER_SCAN_ROWS = 30
RAG_LETTERS = {"r": "red", "a": "amber", "g": "green"}
KIND_WORDS = [
    (r"\bafi\b|area for improvement|areas for improvement", "area_for_improvement"),
    (r"\bcause|\bcoc\b", "cause_of_concern"),
    (r"\brec\b|recommendation|^r\d", "recommendation"),
]


class TrackerUnreadable(ValueError):
    """The file is not a spreadsheet this reads, or has no header row."""


class BadCell(ValueError):
    """A cell that should hold a date, a force or a grade holds something else."""


@dataclass(frozen=True)
class Sheet:
    """One sheet's cells as rows of values (None for empty), merged cells filled."""

    name: str
    rows: list[list[object]]


@dataclass(frozen=True)
class TrackerRow:
    """One row under the header: its fields and every cell by header."""

    sheet: str
    row: int  # as the spreadsheet numbers it (1-based)
    values: dict[str, str]
    cells: dict[str, str]
    kind_hint: str | None = None


@dataclass
class ImportSummary:
    """What `import_tracker` did: counts, and the refused rows with why."""

    read: int = 0
    linked: int = 0
    new: int = 0
    review: int = 0
    refused: list[tuple[str, int, str]] = field(default_factory=list)
    entries: int = 0

    def lines(self) -> list[str]:
        """The summary line, then one line per refused row."""
        head = (
            f"rows read {self.read}, linked {self.linked}, new {self.new}, "
            f"needing review {self.review}, refused {len(self.refused)} "
            f"(history entries added {self.entries})"
        )
        where = [
            f"refused: {s + ' ' if s else ''}row {n}: {why}"
            for s, n, why in self.refused
        ]
        return [head, *where]


# --- reading the file ------------------------------------------------------------


def read_sheets(path: str | Path, sheet: str | None = None) -> list[Sheet]:
    """The sheets of an .xlsx (all, or the one named) or the one of a .csv."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path, sheet)
    if suffix == ".csv":
        if sheet:
            raise TrackerUnreadable(f"--sheet {sheet!r}: a CSV file has no sheets")
        return [Sheet("", _read_csv(path))]
    raise TrackerUnreadable(
        f"{suffix or 'no extension'}: not a tracker this reads; "
        "save it as .xlsx or .csv"
    )


def _read_xlsx(path: Path, wanted: str | None) -> list[Sheet]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, data_only=True)
    except Exception as exc:  # zipfile.BadZipFile, KeyError, InvalidFileException
        raise TrackerUnreadable(f"not a readable .xlsx file ({exc})") from exc
    if wanted is not None and wanted not in book.sheetnames:
        raise TrackerUnreadable(
            f"--sheet {wanted!r}: no such sheet; it has {', '.join(book.sheetnames)}"
        )
    sheets = []
    for worksheet in book.worksheets:
        if wanted is None or worksheet.title == wanted:
            sheets.append(Sheet(worksheet.title, worksheet_to_rows(worksheet)))
    return sheets


def worksheet_to_rows(worksheet) -> list[list[object]]:
    """An openpyxl worksheet's values from A1, each merged range filled with
    its top-left value (a report or recommendation merged down its actions)."""
    rows = [
        list(row) for row in worksheet.iter_rows(min_row=1, min_col=1, values_only=True)
    ]
    for merged in worksheet.merged_cells.ranges:
        top = rows[merged.min_row - 1][merged.min_col - 1]
        for r in range(merged.min_row - 1, min(merged.max_row, len(rows))):
            for c in range(merged.min_col - 1, min(merged.max_col, len(rows[r]))):
                rows[r][c] = top
    return rows


def _read_csv(path: Path) -> list[list[object]]:
    """A CSV's cells, any of , ; tab or | between them, rows of any length
    (a title line above the header has one field), UTF-8 or Windows-1252."""
    import csv

    import pandas as pd

    for encoding in ("utf-8-sig", "cp1252"):
        try:
            sample = path.read_text(encoding=encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise TrackerUnreadable("not UTF-8 or Windows-1252 text")
    try:
        dialect = csv.Sniffer().sniff(sample[:20_000], delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    width = max((len(r) for r in csv.reader(sample.splitlines(), dialect)), default=0)
    if not width:
        raise TrackerUnreadable("an empty CSV file")
    frame = pd.read_csv(
        path, header=None, names=range(width), dtype=str, keep_default_na=False,
        sep=dialect.delimiter, quotechar=dialect.quotechar, encoding=encoding,
        skip_blank_lines=False, engine="python",
    )  # fmt: skip
    return frame.to_numpy(dtype=object).tolist()


# --- header and rows ---------------------------------------------------------------


def cell_text(value: object) -> str:
    """A cell as text: white space collapsed, 3.0 as "3", a date as ISO."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return " ".join(str(value).split())


def _words(header: str) -> str:
    return " ".join(re.sub(r"[^\w#/]+", " ", header.lower()).split())


def header_to_field(header: str, mapping: dict[str, str] | None = None) -> str | None:
    """The field a column header names, or None.

    >>> header_to_field("Revised target date")
    'revised_date'
    >>> header_to_field("HMICFRS ref")
    'number'
    """
    words = _words(header)
    mapped = {_words(k): v for k, v in (mapping or {}).items()}
    if words in mapped:
        return None if mapped[words] == "ignore" else mapped[words]
    if not words:
        return None
    for pattern, name in HEADER_PATTERNS:
        if re.search(pattern, words):
            return name
    return None


def find_header(
    rows: list[list[object]], mapping: dict | None = None, scan: int = HEADER_SCAN_ROWS
) -> tuple[int, dict[int, str]] | None:
    """(row index, {column: field}) of the header row among the first `scan`
    rows: the one naming most fields, of which one says which item (number or
    text); None when no row does."""
    best = None
    for index, row in enumerate(rows[:scan]):
        columns: dict[int, str] = {}
        for column, value in enumerate(row):
            name = header_to_field(cell_text(value), mapping)
            if name and name not in columns.values():
                columns[column] = name
        named = set(columns.values())
        if len(named) >= 2 and named & {"number", "text"}:
            if best is None or len(named) > len(set(best[1].values())):
                best = (index, columns)
    return best


def sheet_to_rows(sheet: Sheet, mapping: dict | None = None) -> Iterator[TrackerRow]:
    """The rows under the sheet's header, as TrackerRows.

    A row whose cells all say one thing (a report's name merged across the
    table) names the report of the rows under it; a row that says nothing of
    which item it is continues the row above (another action of one item).
    """
    found = find_header(sheet.rows, mapping)
    if found is None:
        return
    index, columns = found
    headers = {
        c: cell_text(v) or f"column {c + 1}" for c, v in enumerate(sheet.rows[index])
    }
    hints = {c: text_to_kind(headers[c]) for c in columns if columns[c] == "text"}
    # A sheet per report: its name names them ("PEEL 2016"), unless it is
    # Excel's own ("Sheet1").
    generic = not sheet.name or re.fullmatch(
        r"(?i)sheet\s*\d*|tracker|data", sheet.name
    )
    section, above = (None if generic else sheet.name), None
    for number, row in enumerate(sheet.rows[index + 1 :], start=index + 2):
        texts = [cell_text(v) for v in row]
        filled = {t for t in texts if t}
        if not filled:
            continue
        heading = _heading(texts, columns)
        if heading:
            section, above = heading, None
            continue
        values = {columns[c]: t for c, t in enumerate(texts) if c in columns and t}
        if not any(values.get(k) for k in IDENTITY) and above is not None:
            values = {k: v for k, v in above.values.items() if k in IDENTITY} | values
        elif section and "report" not in values:
            values["report"] = section
        cells = {headers.get(c, f"column {c + 1}"): t for c, t in enumerate(texts) if t}
        kind_hint = next((hints[c] for c in hints if c < len(texts) and texts[c]), None)
        above = TrackerRow(sheet.name, number, values, cells, kind_hint)
        yield above


def _heading(texts: list[str], columns: dict[int, str]) -> str | None:
    """The report a row names when it is a heading, not an item: one text
    merged across the table, or alone in the first column and no reference
    ("PEEL 2016" on its own line above that report's rows)."""
    filled = [(column, text) for column, text in enumerate(texts) if text]
    if len({text for _, text in filled}) != 1:
        return None
    column, text = filled[0]
    if len(filled) >= max(2, len(columns) // 2):
        return text
    alone = len(filled) == 1 and column == min(columns, default=0)
    if (
        alone
        and len(text) < 80
        and not re.search(r"\b(?:should|must)\b", text, re.I)
        and not is_reference(text)
    ):
        return text
    return None


def is_reference(text: str) -> bool:
    """True for a reference as trackers type them: "3", "AFI 3", "R12", "(ii)", "4.23".

    >>> is_reference("PEEL 2016")
    False
    """
    return bool(
        re.fullmatch(
            r"(?:[A-Za-z]{1,4}\.?\s?)?\d{1,3}(?:\.\d+)*[a-z]?|\(?[ivx]+\)?",
            text.strip(),
        )
    )


def text_to_kind(text: str | None) -> str | None:
    """The item kind a type cell, reference or header names ("AFI 3"), or None."""
    if not text:
        return None
    lowered = text.lower().strip()
    for pattern, kind in KIND_WORDS:
        if re.search(pattern, lowered):
            return kind
    return None


# --- cell values -------------------------------------------------------------------


def cell_to_day(text: str) -> str | None:
    """An ISO day from a date as typed, UK day first; None when it gives none.

    "31/03/2018", "31 March 2018", "2018-03-31" and "31.3.18" are days; "March
    2018" is its last day; "TBC", "n/a" or "-" is no date. Anything else
    ("Q1 2019", "31 March", "soon") is BadCell.

    >>> cell_to_day("03/04/2018")
    '2018-04-03'
    >>> cell_to_day("March 2018")
    '2018-03-31'
    """
    from dateutil import parser

    text = text.strip()
    if not re.search(r"\d", text):  # "TBC", "n/a", "end of year": no date given
        return None
    if re.fullmatch(r"\d{5}(?:\.0)?", text):  # an Excel serial day, typed as text
        from openpyxl.utils.datetime import from_excel

        return from_excel(float(text)).date().isoformat()
    try:
        one = parser.parse(text, dayfirst=True, default=datetime(2000, 1, 1))
        two = parser.parse(text, dayfirst=True, default=datetime(2001, 2, 2))
    except (parser.ParserError, OverflowError, ValueError) as exc:
        raise BadCell(f"{text!r} is not a date; type it as 31/03/2018") from exc
    if one.year != two.year or one.month != two.month:
        raise BadCell(f"{text!r} is not a date: give the day, month and year")
    if one.day != two.day:
        return date(
            one.year, one.month, calendar.monthrange(one.year, one.month)[1]
        ).isoformat()
    return one.date().isoformat()


def cell_to_rag(text: str | None) -> str | None:
    """ "Red", "R", "Amber – at risk" → the grade; None for a blank or other word."""
    if not text:
        return None
    letter = RAG_LETTERS.get(text.strip().lower().rstrip("."))
    return letter or printed_to_rag(text)


def normalise_number(text: str | None) -> str | None:
    """A reference as printed, bare: "AFI 3" → "3", "Rec. (ii)" → "ii".

    >>> normalise_number("Recommendation 4.23")
    '4.23'
    """
    if not text:
        return None
    lowered = text.lower().strip()
    lowered = re.sub(
        r"^(?:recommendations?|recs?|afis?|areas? for improvement|causes? of concern"
        r"|coc|r|no|number)\b\.?\s*|^r(?=\d)|^#\s*",
        "",
        lowered,
    )
    bare = lowered.strip(" .():-")
    return bare or None


def saved_day(path: Path) -> str:
    """The day the spreadsheet was last saved: the .xlsx's own record of it
    (which a copy keeps), else the file's modification time."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        import openpyxl

        modified = openpyxl.load_workbook(path, read_only=True).properties.modified
        if modified:
            return modified.date().isoformat()
    return datetime.fromtimestamp(path.stat().st_mtime).date().isoformat()


# --- linking -------------------------------------------------------------------------


@dataclass(frozen=True)
class Link:
    """The item a row tracks, how alike, and whether sure."""

    item_id: str | None
    score: float | None
    sure: bool
    reason: str | None = None


class Linker:
    """The register's reports, numbered printings and candidates, read once."""

    def __init__(self, db: Database, force: str | None) -> None:
        self.force = force
        self.reports = [
            dict(zip(("id", "title", "published", "force"), row, strict=True))
            for row in db.execute(
                "SELECT id, title, published, force FROM reports WHERE NOT placeholder"
            )
            if dedupe.is_force_compatible(force, row[3])
        ]
        self.numbered: dict[tuple[str, str], list[tuple[str, str]]] = {}
        self.by_report: dict[str, list[str]] = {}
        for report_id, number, kind, item_id in db.execute(
            "SELECT report_id, number, kind, item_id FROM occurrences "
            "WHERE missing_since IS NULL ORDER BY rowid"
        ):
            self.by_report.setdefault(report_id, []).append(item_id)
            if number is not None:
                key = (report_id, normalise_number(number))
                self.numbered.setdefault(key, []).append((kind, item_id))
        self.texts = dict(db.execute("SELECT id, text FROM items"))
        self.candidates = dedupe.CandidateIndex(
            dedupe.Candidate(*row[:6], tracker_only=True)
            for row in db.execute(
                "SELECT items.id, items.kind, items.text, reports.force, "
                "items.first_published, reports.title FROM items LEFT JOIN reports "
                "ON reports.id = items.first_report_id ORDER BY items.id"
            )
        )

    def add(self, item_id: str, kind: str, text: str, title: str) -> None:
        """A new item made for an earlier row, so later rows can join it."""
        self.texts[item_id] = text
        self.candidates.append(
            dedupe.Candidate(item_id, kind, text, None, None, title, True)
        )

    def report_for(self, named: str | None) -> str | None:
        """The one report whose title `named` fits (≥ 80, its years agreeing)."""
        if not named:
            return None
        years = set(re.findall(r"\b(?:19|20)\d\d\b", named))
        scored = []
        for report in self.reports:
            title = report["title"] or ""
            known = set(re.findall(r"\b(?:19|20)\d\d\b", title))
            known |= {(report["published"] or "")[:4]}
            if years - known:
                continue
            name, full = dedupe.normalise_text(named), dedupe.normalise_text(title)
            # A sheet's name is cut at 31 characters: "Report on an unannounced inspec".
            prefix = len(name) >= 12 and full.startswith(name)
            score = 100.0 if prefix else fuzz.token_set_ratio(name, full)
            scored.append((score, report["id"]))
        scored.sort(reverse=True)
        if not scored or scored[0][0] < 80:
            return None
        if len(scored) > 1 and scored[1][0] >= scored[0][0] - 0.5:
            return None  # "PEEL 2016" and two PEEL 2016 reports: by text instead
        return scored[0][1]

    def within_report(self, report_id: str, text: str) -> Link | None:
        """The item of the named report that `text` quotes, or None below
        UNSURE: a tracker naming the report may quote only the first words
        of a long item ("The force should make sure that:")."""
        scored = [
            (dedupe.score_quote(text, self.texts[i], min_length_ratio=0.1), i)
            for i in dict.fromkeys(self.by_report.get(report_id, ()))
        ]
        score, item_id = max(scored, default=(0.0, None))
        if score < dedupe.UNSURE:
            return None
        return Link(item_id, round(score, 1), score >= dedupe.SURE)

    def link(self, values: dict[str, str], kind: str | None) -> Link:
        """The item a row's report and number, or else its text, points at."""
        text, number = values.get("text"), normalise_number(values.get("number"))
        report_id = self.report_for(values.get("report"))
        if report_id and number:
            found = self.numbered.get((report_id, number), [])
            ids = {i for k, i in found if kind is None or k == kind} or {
                i for _, i in found
            }
            if len(ids) == 1:
                item_id = ids.pop()
                if not text:
                    return Link(item_id, 100.0, True)
                score = dedupe.score_quote(
                    text, self.texts[item_id], min_length_ratio=0.1
                )
                if score >= dedupe.UNSURE:
                    return Link(item_id, 100.0, True)
        if report_id and text:
            found = self.within_report(report_id, text)
            if found:
                return found
        if not text:
            why = f"no item numbered {values.get('number')!r}"
            if values.get("report"):
                why += f" in a report named {values['report']!r}"
            return Link(None, None, False, why)
        printing = {"kind": kind or "recommendation", "text": text,
                    "source_report": values.get("report")}  # fmt: skip
        report = {
            "kind": "tracker",
            "force": self.force,
            "title": None,
            "published": None,
        }
        match = dedupe.best_match(printing, report=report, candidates=self.candidates)
        if match is None:
            return Link(None, None, False, "no item in the register is like it")
        return Link(match.item_id, round(match.score, 1), match.sure)


# --- history ---------------------------------------------------------------------


def row_to_entries(values: dict[str, str], fallback_day: str) -> list[dict]:
    """The history entries a row's cells give: field, value, printed, date.

    Dated by the row's update date, else `fallback_day`; a status the row
    closed on a given date is dated by it. Raises BadCell for a date or grade
    that cannot be read.
    """
    day = cell_to_day(values.get("updated", "")) or fallback_day
    closed_day = cell_to_day(values.get("closed", ""))
    entries = []
    printed = values.get("status")
    status = printed_to_status(printed)
    if status is None and closed_day:
        status, printed = "closed", printed or f"closed {values['closed']}"
    if status:
        when = closed_day if status == "closed" and closed_day else day
        entries.append(_entry("status", status, printed, when))
    rag = cell_to_rag(values.get("rag")) or (
        None if values.get("rag") else printed_to_rag(values.get("status"))
    )
    if values.get("rag") and rag is None:
        raise BadCell(f"RAG {values['rag']!r} is not red, amber or green")
    if rag:
        entries.append(_entry("rag", rag, values.get("rag") or printed, day))
    if values.get("owner"):
        entries.append(_entry("owner", values["owner"], None, day))
    undated = []
    for name in ("target_date", "revised_date"):
        target = cell_to_day(values.get(name, ""))
        if target:
            entries.append(_entry("target_date", target, values[name], day))
        elif values.get(name):
            undated.append(f"Target: {values[name]}")
    note = "; ".join(
        [f"{label}: {values[name]}"
         for name, label in (("action", "Action"), ("update", "Update"))
         if values.get(name)] + undated
    )  # fmt: skip
    if status is None and printed:
        note = "; ".join(filter(None, [f"Status: {printed}", note]))
    if note:
        entries.append(_entry("notes", note, None, day))
    return entries


def _entry(field_name: str, value: str, printed: str | None, day: str) -> dict:
    return {"field": field_name, "value": value, "printed": printed, "date": day}


# --- the import ------------------------------------------------------------------


def import_tracker(
    db: Database,
    path: str | Path,
    *,
    force: str | None = None,
    sheet: str | None = None,
    mapping: dict[str, str] | None = None,
    now: str | None = None,
) -> ImportSummary:
    """Import one tracker spreadsheet in one transaction; return its summary.

    `force` is whose tracker it is (as the register names it); `sheet` reads
    one sheet only; `mapping` maps a header as typed to one of FIELDS (or
    "ignore") where the built-in names do not. Raises TrackerUnreadable when
    the file cannot be read or no sheet has a header row.
    """
    import hashlib

    path = Path(path)
    now = now or now_iso()
    bad = {v for v in (mapping or {}).values() if v not in (*FIELDS, "ignore")}
    if bad:
        raise TrackerUnreadable(
            f"--map: {', '.join(sorted(bad))} is not a field; use one of "
            f"{', '.join(FIELDS)} or ignore"
        )
    sheets = read_sheets(path, sheet)
    rows = [row for one in sheets for row in sheet_to_rows(one, mapping)]
    if not rows and not any(find_header(s.rows, mapping) for s in sheets):
        raise TrackerUnreadable(
            "no header row naming the recommendation or its reference in the "
            f"first {HEADER_SCAN_ROWS} rows; name a column with --map HEADER=text"
        )
    sha256 = hashlib.sha256(path.read_bytes()).hexdigest()
    file_day = saved_day(path)
    summary = ImportSummary()
    with write_transaction(db):
        linker = Linker(db, force)
        touched: set[str] = set()
        for row in rows:
            summary.read += 1
            outcome = _import_row(
                db, linker, row, path.name, sha256, force, file_day, now
            )
            if outcome["outcome"] == "refused":
                summary.refused.append((row.sheet, row.row, outcome["reason"]))
            elif outcome["outcome"] == "linked":
                summary.linked += 1
            else:
                summary.review += 1
            summary.new += outcome.get("new", 0)
            summary.entries += outcome.get("entries", 0)
            if outcome.get("entries"):
                touched.add(outcome["item_id"])
        for item_id in sorted(touched):
            refresh_item(db, item_id, now)
    return summary


def _import_row(
    db: Database,
    linker: Linker,
    row: TrackerRow,
    file_name: str,
    sha256: str,
    force: str | None,
    file_day: str,
    now: str,
) -> dict:
    """Link one row, keep it in import_rows and record its history."""
    values = row.values
    kind = (
        text_to_kind(values.get("kind"))
        or text_to_kind(values.get("number"))
        or row.kind_hint
    )
    known = db.execute(
        "SELECT id, item_id, outcome, reason FROM import_rows "
        "WHERE file_name = ? AND sheet = ? AND row = ?",
        [file_name, row.sheet, row.row],
    ).fetchone()
    record = {
        "file_name": file_name, "sheet": row.sheet, "row": row.row, "sha256": sha256,
        "force": force, "report": values.get("report"), "number": values.get("number"),
        "kind": kind, "text": values.get("text"), "imported_at": now,
        "cells": json.dumps(row.cells, ensure_ascii=False),
    }  # fmt: skip
    if known:
        del record["imported_at"]  # a second import changes nothing
    result = {"new": 0}
    try:
        entries = row_to_entries(values, file_day)
        force = record["force"] = force or row_to_force(values.get("force"))
        if not values.get("text") and not values.get("number"):
            raise BadCell("no recommendation text or reference")
    except BadCell as exc:
        record |= {"outcome": "refused", "reason": str(exc), "item_id": None}
        _keep_row(db, known, record)
        return record
    if known and known[1]:
        record |= {"item_id": known[1], "outcome": known[2], "reason": known[3]}
    else:
        link = linker.link(values, kind)
        record |= _link_outcome(link)
        if link.item_id is None and values.get("text"):
            record["item_id"] = _new_item(db, linker, values, kind, row, file_name, now)
            record |= {
                "outcome": "review",
                "reason": "new item: " + (link.reason or ""),
            }
            result["new"] = 1
    row_id = _keep_row(db, known, record)
    result |= {"outcome": record["outcome"], "reason": record["reason"],
               "item_id": record["item_id"]}  # fmt: skip
    if record["item_id"]:
        note = f"{file_name}{', ' + row.sheet if row.sheet else ''}, row {row.row}"
        result["entries"] = _record_entries(
            db, record["item_id"], entries, row_id, note, force, now
        )
    return result


class UnknownRow(KeyError):
    """No imported tracker row has this id."""


def confirm_row(
    db: Database, row_id: int, *, analyst: str | None = None, now: str | None = None
) -> dict:
    """An analyst says an imported row listed for review tracks the item it
    was linked to (an unsure link, or the new item it made): it becomes
    `linked`, its reason naming who confirmed it; return the row.

    Raises UnknownRow for an id no row has, ValueError for a row that is not
    waiting for review (linked already, or refused: nothing to confirm).
    """
    now = now or now_iso()
    with write_transaction(db):
        row = db.execute(
            "SELECT outcome, reason FROM import_rows WHERE id = ?", [row_id]
        ).fetchone()
        if row is None:
            raise UnknownRow(row_id)
        if row[0] != "review":
            raise ValueError(
                f"tracker row {row_id} is {row[0]}, not waiting for review"
            )
        reason = (
            f"{row[1] or 'review'}; confirmed by {analyst or 'an analyst'} {now[:10]}"
        )
        db["import_rows"].update(row_id, {"outcome": "linked", "reason": reason})
    return db["import_rows"].get(row_id)


def row_to_force(typed: str | None) -> str | None:
    """The register's name for a Force cell ("WMP"), or BadCell saying why."""
    from .forces import UnknownForce, resolve_force

    if not typed:
        return None
    try:
        return resolve_force(typed)
    except UnknownForce as exc:
        raise BadCell(f"Force: {exc}") from exc


def _link_outcome(link: Link) -> dict:
    if link.item_id and link.sure:
        return {"item_id": link.item_id, "score": link.score, "outcome": "linked",
                "reason": None}  # fmt: skip
    if link.item_id:
        return {"item_id": link.item_id, "score": link.score, "outcome": "review",
                "reason": f"unsure link (score {link.score})"}  # fmt: skip
    return {"item_id": None, "score": None, "outcome": "review", "reason": link.reason}


def _keep_row(db: Database, known: tuple | None, record: dict) -> int:
    if known:
        db["import_rows"].update(known[0], record)
        return known[0]
    return db["import_rows"].insert(record).last_pk


def _new_item(
    db: Database,
    linker: Linker,
    values: dict,
    kind: str | None,
    row: TrackerRow,
    file_name: str,
    now: str,
) -> str:
    """An item of a placeholder report named as the row names it (its report
    cell, its sheet, or the file), for a row like no item in the register."""
    title = values.get("report") or row.sheet or file_name
    report_id = placeholder_report(db, title, now)
    kind = kind or "recommendation"
    item_id = dedupe.item_id(report_id, kind, values["text"])
    db["items"].insert(
        {
            "id": item_id,
            "kind": kind,
            "text": values["text"],
            "addressee": text_to_addressee(values["text"]),
            **deadline_columns(values["text"], None),
            "status": "open",
            "first_report_id": report_id,
            "first_published": None,
            "created_at": now,
            "updated_at": now,
        },
        ignore=True,
    )
    linker.add(item_id, kind, values["text"], title)
    return item_id


def _record_entries(
    db: Database,
    item_id: str,
    entries: Iterable[dict],
    row_id: int,
    note: str,
    force: str | None,
    now: str,
) -> int:
    """Insert the entries not already there; return how many were new."""
    if force is None:
        forces = tracking.item_forces(db.conn, item_id)
        force = forces[0] if len(forces) == 1 else None
    added = 0
    for entry in entries:
        cursor = db.execute(
            "INSERT OR IGNORE INTO status_history (item_id, field, value, printed, "
            "date, source, note, recorded_at, force, import_row_id) "
            "VALUES (?, ?, ?, ?, ?, 'import', ?, ?, ?, ?)",
            [item_id, entry["field"], entry["value"], entry["printed"], entry["date"],
             note, now, force, row_id],
        )  # fmt: skip
        added += cursor.rowcount
    return added


def parse_mapping(pairs: Iterable[str]) -> dict[str, str]:
    """--map "Our ref=number" → {"Our ref": "number"}; ValueError naming a bad pair."""
    mapping = {}
    for pair in pairs:
        header, sep, name = pair.rpartition("=")
        if not sep or not header.strip():
            raise ValueError(
                f"--map {pair!r}: give HEADER=field, e.g. 'Our ref=number'"
            )
        mapping[header.strip()] = name.strip()
    return mapping
