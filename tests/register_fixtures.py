"""Hand-written report documents (contract §1) for the register's tests.

The texts are the recommendations that the seed committee paper
(/work/shared/seeds/committee-update-2017-06-08.txt) quotes, so the tracker
below quotes real HMIC wording the way West Midlands Police's paper did.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

WMP = "West Midlands Police"

DASH_CONCERN_2015 = (
    "The force's response to domestic abuse is a cause of concern to HMIC. The "
    "force policy allowing an officer discretion to complete a DASH risk "
    "assessment in some crimes and incidents does not provide confidence that "
    "risk is always assessed appropriately. In cases where a DASH risk assessment "
    "is not completed the officer should record their assessment on the crime "
    "management system. HMIC found inconsistency in the recording and a lack of "
    "effective supervision to ensure this takes place."
)
DASH_REC_2015 = (
    "The force should immediately take steps to ensure that there is effective "
    "supervision of the initial risk assessment process, specifically on "
    "recording on the crime management system."
)
# The 2016 report repeats them, lightly reworded.
DASH_CONCERN_2016 = (
    "The force's response to domestic abuse remains a cause of concern to HMIC. "
    "The force policy allowing officers discretion to complete a DASH risk "
    "assessment in some crimes and incidents does not provide confidence that "
    "risk is always assessed appropriately. Where a DASH risk assessment is not "
    "completed the officer should record their assessment on the crime "
    "management system. HMIC found inconsistency in recording and a lack of "
    "effective supervision to make sure this takes place."
)
DASH_REC_2016 = (
    "The force should immediately take steps to make sure that there is "
    "effective supervision of the initial risk assessment process, specifically "
    "on recording on the crime management system."
)
MISSING_AFI_2015 = (
    "The force should improve its response to children who go missing from home, "
    "so that risk is assessed consistently and the reasons they go missing are "
    "understood."
)
OFFENDERS_AFI_2016 = (
    "The force should improve how it manages registered sex offenders, so that "
    "visits are completed on time and risk is reviewed after every visit."
)
CALLS_AFI_2015 = (
    "The force should ensure that calls for service are graded according to the "
    "threat, harm and risk to the caller, and that attendance times are met."
)

EVERYONES_BUSINESS = [
    "The force to apply a definition for a domestic abuse 'repeat victim' and "
    "'vulnerable victim' to ensure it consistently identifies those most at risk "
    "and provide the appropriate service.",
    "The force to introduce quality assurance processes in the control room to "
    "ensure victims receive an appropriate and consistent service to all reports "
    "of domestic abuse.",
    "The force to implement a robust quality assurance process that provides "
    "consistent reviews of standard risk assessments.",
    "The force to communicate the DASH risk assessment policy and ensure it is "
    "understood and complied with.",
    "The force to conduct qualitative reviews of domestic abuse incidents, "
    "including non-crime and between family members other than intimate partners "
    "or ex-partners, to establish whether the current ratio of just over five per "
    "cent of victims with high risk status is accurate.",
    "The force engages with partners and reviews the arrangements for MARAC "
    "co-ordinators and administrators across the force area to provide a "
    "consistent service.",
    "Every force in England and Wales should establish and publish an action plan "
    "that specifies in detail what steps it will take to improve its approach to "
    "domestic abuse; drawing on relevant knowledge acquired or available from "
    "other sources such as CPS scrutiny panels and MARAC self-assessment and with "
    "reference to all relevant domestic homicide reviews and IPCC findings.",
    "Chief constables should review how they, and their senior officers, give "
    "full effect to their forces' stated priority on domestic abuse. This should "
    "consider how action to tackle domestic abuse is prioritised and valued, and "
    "how staff are given the appropriate level of professional and conspicuous "
    "support and encouragement.",
]
EB_STATUSES = [
    "This recommendation has been addressed and archived.",
    "This recommendation has been addressed and archived.",
    "This recommendation has been addressed and archived.",
    "This recommendation has been superseded by the Red recommendation shown "
    "above from PEEL Effectiveness 2015 (and subsequently 2016).",
    "The force has recently conducted a large audit for domestic abuse non-crime "
    "incidents and is addressing the learning that came from that.",
    "This recommendation has been addressed and archived.",
    "This recommendation has been addressed and archived.",
    "This recommendation has been addressed and archived.",
]
CHILD_PROTECTION_4 = (
    "West Midlands Police ensures that officers always record their observations "
    "of a child's behaviour and demeanour in domestic abuse incident records, so "
    "that a better assessment of a child's needs can be made."
)
CHILD_PROTECTION_7 = (
    "West Midlands Police undertakes a review (jointly with children's social care "
    "services and other relevant agencies) of how it manages the detention of "
    "children."
)
RE_INSPECTION_II = (
    "We further recommend that, within three months, West Midlands Police takes "
    "steps to eradicate the backlog in the HTCU and continues to work with the CPS "
    "to reduce timescales for charging decisions."
)


def item(kind, number, text, page, **extra) -> dict:
    """One contract §1 item."""
    return {
        "kind": kind,
        "number": number,
        "text": text,
        "page": page,
        "source_report": None,
        "status": None,
        "parent": None,
    } | extra


def document(stem, title, published, force, kind, items, pages=40) -> dict:
    """One contract §1 report document; the sha256 stands in for the file's."""
    return {
        "source": {
            "path": f"corpus/{stem}.pdf",
            "sha256": stem_sha(stem),
            "pages": pages,
        },
        "report": {
            "title": title,
            "published": published,
            "inspectorates": ["HMIC"],
            "force": force,
            "kind": kind,
        },
        "items": items,
    }


def stem_sha(stem: str) -> str:
    import hashlib

    return hashlib.sha256(stem.encode()).hexdigest()


def peel_2015() -> dict:
    return document(
        "peel-2015-effectiveness-west-midlands",
        "PEEL: Police effectiveness 2015 - An inspection of West Midlands Police",
        "2016-02-18",
        WMP,
        "inspection",
        [
            item("cause_of_concern", None, DASH_CONCERN_2015, 12),
            item("recommendation", "1", DASH_REC_2015, 12, parent=0),
            item("area_for_improvement", None, MISSING_AFI_2015, 18),
            item("area_for_improvement", None, CALLS_AFI_2015, 21),
        ],
    )


def peel_2016() -> dict:
    return document(
        "peel-2016-effectiveness-west-midlands",
        "PEEL: Police effectiveness 2016 - An inspection of West Midlands Police",
        "2017-03-02",
        WMP,
        "inspection",
        [
            item("cause_of_concern", None, DASH_CONCERN_2016, 9),
            item("recommendation", "1", DASH_REC_2016, 10, parent=0),
            item("area_for_improvement", "1", OFFENDERS_AFI_2016, 22),
        ],
        pages=55,
    )


def everyones_business() -> dict:
    return document(
        "everyones-business-2014",
        "Everyone's business: Improving the police response to domestic abuse",
        "2014-03-27",
        None,
        "inspection",
        [
            item("recommendation", str(n), text, 100 + n)
            for n, text in enumerate(EVERYONES_BUSINESS, 1)
        ],
        pages=140,
    )


def child_protection_2014() -> dict:
    return document(
        "child-protection-west-midlands-2014",
        "National child protection inspection: West Midlands Police",
        "2014-10-28",
        WMP,
        "inspection",
        [
            item("recommendation", "4", CHILD_PROTECTION_4, 60),
            item("recommendation", "7", CHILD_PROTECTION_7, 61),
        ],
        pages=70,
    )


def tracker_2017() -> dict:
    """The committee paper of 8 June 2017, quoting the reports above."""
    eb_title = "Everyone's Business: Improving the Police Response to Domestic Abuse"
    items = [
        item(
            "cause_of_concern",
            "(i)",
            DASH_CONCERN_2015 + " To address this cause of concern, " + DASH_REC_2015,
            2,
            source_report="PEEL Effectiveness Report 2015",
            status="Red",
        )
    ]
    for n, (text, status) in enumerate(
        zip(EVERYONES_BUSINESS, EB_STATUSES, strict=True), 1
    ):
        items.append(
            item(
                "recommendation",
                str(n),
                text,
                3,
                source_report=eb_title,
                status=status,
            )
        )
    items.append(
        item(
            "recommendation",
            "4",
            CHILD_PROTECTION_4,
            7,
            source_report="National Child Protection Inspection",
            status="HMIC have found that this recommendation has been achieved.",
        )
    )
    return document(
        "committee-update-2017-06-08",
        "Joint Audit Committee: HMIC inspections update",
        "2017-06-08",
        WMP,
        "tracker",
        items,
        pages=9,
    )


def all_documents() -> list[dict]:
    return [
        everyones_business(),
        child_protection_2014(),
        peel_2015(),
        peel_2016(),
        tracker_2017(),
    ]


def write_documents(folder: Path, documents: list[dict]) -> list[Path]:
    """Write each document as <stem>.json; the test extractor reads them back."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for doc in documents:
        stem = Path(doc["source"]["path"]).stem
        path = folder / f"{stem}.json"
        path.write_text(json.dumps(doc), encoding="utf-8")
        paths.append(path)
    return paths


def json_extract(path) -> dict:
    """Extract function for tests: the file holds the report document itself.

    Like the real extractor it reports the file's own sha256, so a renamed
    copy with other bytes is a new file with the same content.
    """
    from extract.report import file_sha256

    doc = json.loads(Path(path).read_text(encoding="utf-8"))
    if doc.get("fail"):
        from extract import errors

        raise getattr(errors, doc["fail"])(str(path))
    doc = copy.deepcopy(doc)
    doc["source"]["sha256"] = file_sha256(path)
    doc["source"]["path"] = str(path)
    return doc


# --- measuring linking against corpus/src/REPEATS.tsv ----------------------------

ROOT = Path(__file__).resolve().parent.parent


def hmic_item_ids(source: Path) -> list[str]:
    """The ids of a corpus source's items in golden order (restatements left out)."""
    import re

    ids = []
    for line in source.read_text(encoding="utf-8").splitlines():
        tag = re.match(r"\s*<item\b([^>]*)>", line)
        if not tag:
            continue
        attributes = dict(re.findall(r"(\w+)=(\"[^\"]*\"|\S+)", tag.group(1)))
        if "same" not in attributes:
            ids.append(attributes["id"].strip('"'))
    return ids


def known_repeats(root: Path = ROOT) -> set[frozenset]:
    """REPEATS.tsv as unordered pairs of (stem, source item id)."""
    lines = (root / "corpus/src/REPEATS.tsv").read_text().splitlines()[1:]
    pairs = set()
    for line in lines:
        later_stem, later_id, earlier_stem, earlier_id = line.split("\t")
        pairs.add(frozenset({(later_stem, later_id), (earlier_stem, earlier_id)}))
    return pairs


def golden_positions(db, root: Path = ROOT, min_score: float = 70.0) -> dict:
    """(stem, source item id) -> the register item that printing landed in.

    Each golden item is found among its report's occurrences by text, so this
    works whether the register was loaded from goldens or from the PDFs.
    """
    from pipeline.dedupe import score_repeat

    where = {}
    for golden in sorted((root / "tests/golden").glob("*.json")):
        stem = golden.stem
        source = root / "corpus/src" / f"{stem}.hmic"
        if not source.exists():
            continue
        row = db.execute(
            "SELECT report_id FROM report_files WHERE file_name IN (?, ?)",
            [f"{stem}.pdf", f"{stem}.json"],
        ).fetchone()
        if not row:
            continue
        occurrences = list(
            db.execute(
                "SELECT item_id, text FROM occurrences WHERE report_id = ?", [row[0]]
            )
        )
        items = json.loads(golden.read_text(encoding="utf-8"))["items"]
        for source_id, item in zip(hmic_item_ids(source), items, strict=False):
            scored = [
                (score_repeat(item["text"], text), iid) for iid, text in occurrences
            ]
            best = max(scored, default=(0, None))
            if best[0] >= min_score:
                where[(stem, source_id)] = best[1]
    return where


def linking_scores(db, root: Path = ROOT) -> dict:
    """Precision and recall of cross-report links between inspections against
    REPEATS.tsv, over the printings found in the register."""
    where = golden_positions(db, root)
    trackers = {
        row[0].removesuffix(".pdf").removesuffix(".json")
        for row in db.execute(
            "SELECT report_files.file_name FROM report_files JOIN reports "
            "ON reports.id = report_files.report_id WHERE reports.kind = 'tracker'"
        )
    }
    keys = sorted(k for k in where if k[0] not in trackers)
    predicted = {
        frozenset({a, b})
        for i, a in enumerate(keys)
        for b in keys[i + 1 :]
        if a[0] != b[0] and where[a] == where[b]
    }
    truth = {pair for pair in known_repeats(root) if pair <= set(where)}
    hits = predicted & truth
    return {
        "predicted": len(predicted),
        "truth": len(truth),
        "truth_total": len(known_repeats(root)),
        "hits": len(hits),
        "precision": len(hits) / len(predicted) if predicted else 1.0,
        "recall": len(hits) / len(truth) if truth else 1.0,
        "false_links": sorted(tuple(sorted(p)) for p in predicted - truth),
        "missed": sorted(tuple(sorted(p)) for p in truth - predicted),
    }
