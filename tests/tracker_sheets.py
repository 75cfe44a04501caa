"""Tracker spreadsheets in three shapes, made from the corpus goldens.

A force that adopts the register brings its own tracker. These are made the
way forces keep them, from the items the corpus sources mark
(tests/golden/*.json), so each row knows the item it tracks:

- `write_per_item`: one row per item (.xlsx or .csv), title rows above the
  header, the tracker's own references, text quoted whole, cut short or
  reworded, dates typed as text day first, plus a row of the force's own
  that no report holds and a row whose date cannot be read;
- `write_per_action`: one row per action, several per item, the item's
  cells merged down its actions;
- `write_per_report`: a sheet per report, named by it, with no report column.

Each returns the rows it wrote as `Expected(sheet, row, stem, index)`: the
golden's stem and the item's index in it (None for a row no report holds).

    python -m tests.tracker_sheets OUTDIR   # writes the three, to look at
"""

from __future__ import annotations

import csv
import json
import re
import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

GOLDEN = Path(__file__).parent / "golden"

WMP_STEMS = [
    "peel-effectiveness-2015-west-midlands",
    "peel-effectiveness-2016-west-midlands",
    "child-protection-west-midlands-2014",
    "child-protection-reinspection-west-midlands-2015",
    "custody-joint-west-midlands-2017",
    "everyones-business-2014",
    "stalking-thematic-2017",
]
OTHER_STEMS = [
    "crime-data-integrity-2017-lancashire",
    "holdout2-cdi-2016-avon",
    "holdout3-peel-2017-leics",
    "peel-2021-derbyshire",
    "holdout2-peel-2022-cumbria",
    "holdout-peel-2019-surrey",
    "holdout-custody-2022-merseyside",
]
STATUSES = ["Complete", "Ongoing", "Not started", "Open – at risk",
            "Proposed for closure", "In progress", "Discharged"]  # fmt: skip
RAGS = ["G", "Amber", "Red", "green", "A"]
OWNERS = ["DCC Smith", "ACC Jones", "Ch Supt Patel", "Head of Public Protection"]
DATES = ["31/03/2018", "30 June 2018", "2018-09-30", "March 2019", "1.4.19"]
OWN_ITEM = (
    "Internal audit: the fleet maintenance contract is to be re-tendered and "
    "vehicle downtime reported to the chief officer group each quarter."
)


@dataclass(frozen=True)
class Expected:
    """A row written, and the golden item it tracks (index None: no report's)."""

    sheet: str
    row: int
    stem: str | None
    index: int | None
    refused: bool = False


def golden(stem: str) -> dict:
    """The golden document of one corpus report."""
    return json.loads((GOLDEN / f"{stem}.json").read_text(encoding="utf-8"))


def short_name(report: dict) -> str:
    """A report as a tracker names it: "PEEL: Police effectiveness 2016 – An
    inspection of West Midlands Police" → "PEEL Police effectiveness 2016"."""
    title = re.split(r" [–—-] |: An |\. ", report["title"])[0]
    words = re.sub(r"[:,]", " ", title).replace("’", "'").split()[:5]
    year = (report.get("published") or "")[:4]
    name = " ".join(words)
    if not re.search(r"\b(?:19|20)\d\d\b", name) and year:
        name += f" {year}"
    return name


def sheet_name(report: dict) -> str:
    """A report as a sheet tab names it, in Excel's 31 characters: the
    force's place, the report's short name cut at a word, its year
    ("Avon Crime data integrity 2016")."""
    place = (report.get("force") or "National").split()[0]
    name = re.sub(r"[\[\]:*?/\\]", " ", short_name(report))
    year = re.findall(r"\b(?:19|20)\d\d\b", name)[-1:]
    words = [w for w in name.split() if w not in year]
    while len(" ".join([place, *words, *year])) > 31:
        words.pop()
    return " ".join([place, *words, *year])


def reworded(text: str, n: int) -> str:
    """The item as a tracker types it, in one of four ways chosen by `n`."""
    if n % 4 == 0:
        return text
    if n % 4 == 1:  # the first sentence, or the first four fifths of the words
        sentences = re.split(r"(?<=[.;:])\s+", text)
        if len(sentences) > 1 and len(sentences[0]) > 60:
            return sentences[0]
        words = text.split()
        return " ".join(words[: max(8, len(words) * 4 // 5)])
    if n % 4 == 2:  # the lead-in dropped, "should" as a task
        text = re.sub(r"^.*?\b(?:recommend that|recommends that),?\s*", "", text)
        return re.sub(r"\bshould\b", "to", text, count=1)
    words = text.split()  # a word or two changed
    swaps = {"ensure": "make sure", "improve": "improves", "its": "their"}
    return " ".join(swaps.get(w, w) for w in words).replace("  ", " ")


def reference(item: dict, stem_number: int, n: int) -> str:
    """The tracker's reference: the printed number with its kind, else its own."""
    if item.get("number"):
        label = {"area_for_improvement": "AFI", "cause_of_concern": "CoC"}.get(
            item["kind"], "R"
        )
        return f"{label} {item['number']}"
    return f"WMP/{stem_number:02d}/{n + 1:02d}"


def iter_items(stems: list[str]):
    """(stem number, stem, report, index, item) for every item of the stems."""
    for number, stem in enumerate(stems, start=1):
        document = golden(stem)
        for index, item in enumerate(document["items"]):
            yield number, stem, document["report"], index, item


def per_item_rows(stems: list[str]) -> tuple[list, list[list], list[tuple]]:
    """The header and rows of a one-row-per-item tracker, with (stem, index)."""
    header = ["Ref", "Report", "Recommendation / AFI", "Lead", "Target date",
              "Revised date", "RAG", "Status", "Latest update",
              "Date updated"]  # fmt: skip
    rows, keys = [], []
    for n, (number, stem, report, index, item) in enumerate(iter_items(stems)):
        text = "" if item.get("number") and n % 5 == 4 else reworded(item["text"], n)
        rows.append([
            reference(item, number, index), short_name(report), text,
            OWNERS[n % 4], DATES[n % 5], DATES[(n + 2) % 5] if n % 3 == 0 else "",
            RAGS[n % 5], STATUSES[n % 7], f"Update {n}: plan agreed at board.",
            f"{1 + n % 28:02d}/0{1 + n % 9}/2019",
        ])  # fmt: skip
        keys.append((stem, index))
    rows.append(["OWN/1", "Force internal audit", OWN_ITEM, "Head of Fleet",
                 "31/12/2019", "", "Amber", "Ongoing", "", ""])  # fmt: skip
    keys.append((None, None))
    rows.append(["OWN/2", "Force internal audit", "The force should retender "
                 "its catering contract.", "Head of Estates", "Q3 2019", "", "",
                 "Ongoing", "", ""])  # fmt: skip
    keys.append(("refused", None))
    return header, rows, keys


def write_per_item(path: Path, stems: list[str] = WMP_STEMS) -> list[Expected]:
    """One row per item, header on row 4 (.xlsx) or 3 (.csv); see module."""
    header, rows, keys = per_item_rows(stems)
    title = ["West Midlands Police – HMICFRS recommendations tracker"]
    asat = ["Position as at 30/09/2019"]
    if path.suffix == ".csv":
        with path.open("w", newline="", encoding="utf-8") as f:
            csv.writer(f).writerows([title, asat, header, *rows])
        first, sheet = 4, ""
    else:
        import openpyxl

        book = openpyxl.Workbook()
        ws = book.active
        ws.title = "Tracker"
        ws.append(title)
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
        ws.append(asat)
        ws.append([])
        ws.append(header)
        for n, row in enumerate(rows):
            if n % 7 == 3:  # a real date cell, not text
                row[4] = datetime(2018, 12, 31)
            ws.append(row)
        _save(book, path)
        first, sheet = 5, "Tracker"
    return [
        Expected(sheet, first + n, stem if stem != "refused" else None, index,
                 refused=stem == "refused")
        for n, (stem, index) in enumerate(keys)
    ]  # fmt: skip


def write_per_action(path: Path, stems: list[str] = WMP_STEMS) -> list[Expected]:
    """One row per action, 1-3 per item, the item's cells merged down them."""
    import openpyxl

    header = ["HMICFRS ref", "Inspection", "Recommendation", "Action",
              "Action owner", "Due date", "Status", "Update"]  # fmt: skip
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "Actions"
    ws.append(["Action plan"])
    ws.append(header)
    expected, row_number = [], 3
    for n, (number, stem, report, index, item) in enumerate(iter_items(stems)):
        actions = 1 + n % 3
        for a in range(actions):
            cells = ["", "", ""]
            if a == 0:
                ref, text = (
                    reference(item, number, index),
                    reworded(item["text"], n + 1),
                )
                cells = [ref, short_name(report), text]
            ws.append([*cells, f"Action {a + 1}: task and finish group",
                       OWNERS[(n + a) % 4], DATES[(n + a) % 5],
                       STATUSES[(n + a) % 7], f"Week {a + 1} done."])  # fmt: skip
            expected.append(Expected("Actions", row_number + a, stem, index))
        if actions > 1:
            for column in (1, 2, 3):
                last = row_number + actions - 1
                ws.merge_cells(start_row=row_number, start_column=column,
                               end_row=last, end_column=column)  # fmt: skip
        row_number += actions
    _save(book, path)
    return expected


def write_per_report(path: Path, stems: list[str] = OTHER_STEMS) -> list[Expected]:
    """A sheet per report, named by it; references and text, no report column."""
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    expected = []
    header = ["AFI ref", "Area for improvement / recommendation", "Owner",
              "Target", "RAG", "Progress update"]  # fmt: skip
    for number, stem in enumerate(stems, start=1):
        document = golden(stem)
        ws = book.create_sheet(sheet_name(document["report"]))
        ws.append([document["report"]["title"]])
        ws.append([])
        ws.append(header)
        for index, item in enumerate(document["items"]):
            n = number * 7 + index
            text = (
                "" if item.get("number") and n % 3 == 0 else reworded(item["text"], n)
            )
            ref = reference(item, number, index) if item.get("number") else ""
            ws.append([ref or f"{number}.{index + 1}", text,
                       OWNERS[n % 4], DATES[n % 5], RAGS[n % 5],
                       f"{STATUSES[n % 7]}: reviewed."])  # fmt: skip
            expected.append(Expected(ws.title, 4 + index, stem, index))
    _save(book, path)
    return expected


def _save(book, path: Path) -> None:
    book.save(path)  # openpyxl records now as its saved date


def main(outdir: str) -> None:
    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    for name, write in (("per-item.xlsx", write_per_item),
                        ("per-item.csv", write_per_item),
                        ("per-action.xlsx", write_per_action),
                        ("per-report.xlsx", write_per_report)):  # fmt: skip
        print(out / name, len(write(out / name)), "rows")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "output/trackers")
