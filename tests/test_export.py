"""The register as contract §2 JSON (pipeline/export.py)."""

from __future__ import annotations

import json

import pytest

from pipeline import export, register
from tests import register_fixtures as fx


@pytest.fixture
def db(tmp_path):
    db = register.open_register(tmp_path / "register.db")
    for document in fx.all_documents():
        register.load_document(db, document)
    return db


def test_export_has_exactly_the_contract_fields(db):
    document = json.loads(export.export_json(db))
    assert set(document) == {"reports", "items"}
    for report in document["reports"]:
        assert set(report) == {"id", "sha256", "title", "published", "force", "kind"}
    for item in document["items"]:
        assert set(item) == {
            *("id", "kind", "text", "status", "occurrences"),
            *("addressee", "deadline", "forces"),  # optional fields of §2
        }
        for entry in item["forces"]:
            assert set(entry) == {"force", "status", "rag", "owner", "target_date",
                                  "for_information"}  # fmt: skip
        assert item["occurrences"]
        for occurrence in item["occurrences"]:
            assert set(occurrence) == {"report_id", "number", "page"}


def test_export_orders_by_publication_date(db):
    document = json.loads(export.export_json(db))
    published = [report["published"] for report in document["reports"]]
    assert published == sorted(published)
    report_ids = {report["id"] for report in document["reports"]}
    assert all(
        o["report_id"] in report_ids
        for i in document["items"]
        for o in i["occurrences"]
    )
    first_dates = {r["id"]: r["published"] for r in document["reports"]}
    for item in document["items"]:
        dates = [first_dates[o["report_id"]] for o in item["occurrences"]]
        assert dates == sorted(dates)


def test_repeated_item_is_one_entry_with_several_occurrences(db):
    document = json.loads(export.export_json(db))
    concern = [i for i in document["items"] if i["kind"] == "cause_of_concern"]
    assert len(concern) == 1 and len(concern[0]["occurrences"]) == 3


def test_two_exports_are_byte_identical_and_end_with_newline(db):
    first, second = export.export_json(db), export.export_json(db)
    assert first == second and first.endswith("}\n")
    assert "’" in export.document_to_json({"t": "’"})


def test_export_shows_the_analysts_status(db):
    item_id = json.loads(export.export_json(db))["items"][0]["id"]
    register.record_change(db, item_id, "status", "pending_sign_off")
    item = json.loads(export.export_json(db))["items"][0]
    assert (item["id"], item["status"]) == (item_id, "pending_sign_off")


def test_export_gives_each_item_its_deadline(tmp_path):
    # "By 31 March 2024" is due that day; "Within three months" of a report
    # published on 14 September 2023 is due on 14 December 2023.
    db = register.open_register(tmp_path / "register.db")
    items = [
        fx.item("area_for_improvement", None, "By 31 March 2024, the force should "
                "make sure that investigations are supervised.", 9),
        fx.item("recommendation", "1", "Within three months, the force should "
                "review how it grades calls for service.", 11),
        fx.item("area_for_improvement", None, "The force should improve its "
                "response to missing children.", 12),
    ]  # fmt: skip
    register.load_document(
        db, fx.document("peel-2023-kent", "PEEL 2023 Kent", "2023-09-14",
                        "Kent Police", "inspection", items),
    )  # fmt: skip
    deadlines = {
        i["text"][:20]: i["deadline"]
        for i in json.loads(export.export_json(db))["items"]
    }
    assert deadlines == {
        "By 31 March 2024, th": "2024-03-31",
        "Within three months,": "2023-12-14",
        "The force should imp": None,
    }
