"""Per-force tracking (pipeline/tracking.py, contract §2 `forces`): a national
item's status is kept per force, and items addressed to other bodies are for
information, not a force's outstanding items."""

from __future__ import annotations

import json
from datetime import date

import pytest
from click.testing import CliRunner

from pipeline import export, register
from pipeline.cli import cli
from pipeline.committee import build_update, render_markdown, update_to_sections
from pipeline.tabular import read_register
from pipeline.tracking import is_for_information
from tests import register_fixtures as fx

KENT = "Kent Police"
COLLEGE = ("The College of Policing should, within six months, develop training "
           "for officers on stalking.")  # fmt: skip
ARCHIVED = fx.EVERYONES_BUSINESS[5]  # "addressed and archived" by WMP's 2017 tracker


def kent_2023() -> dict:
    items = [fx.item("area_for_improvement", None, "The force should make sure "
                     "that investigations are supervised.", 9)]  # fmt: skip
    return fx.document("peel-2023-kent", "PEEL 2023 Kent", "2023-09-14", KENT,
                       "inspection", items)  # fmt: skip


def stalking_2017() -> dict:
    items = [fx.item("recommendation", "1", COLLEGE, 30)]
    return fx.document("stalking-2017", "Living in fear", "2017-07-05", None,
                       "inspection", items)  # fmt: skip


@pytest.fixture
def db_path(tmp_path):
    path = tmp_path / "register.db"
    db = register.open_register(path)
    for document in [*fx.all_documents(), stalking_2017(), kent_2023()]:
        register.load_document(db, document, now="2024-01-01T09:00:00+00:00")
    db.conn.close()
    return path


def item_id(db, text):
    return db.execute("SELECT id FROM items WHERE text = ?", [text]).fetchone()[0]


def forces_of(db, text) -> dict[str, dict]:
    items = json.loads(export.export_json(db))["items"]
    entry = next(i for i in items if i["text"] == text)
    return {f["force"]: f for f in entry["forces"]}


def test_a_national_item_has_a_status_per_force(db_path):
    db = register.open_register(db_path)
    national = item_id(db, fx.EVERYONES_BUSINESS[0])
    register.record_change(db, national, "status", "in_progress", force=KENT)
    forces = forces_of(db, fx.EVERYONES_BUSINESS[0])
    # West Midlands' tracker: "addressed and archived"; Kent's analyst: in progress.
    assert sorted(forces) == [KENT, fx.WMP]
    assert forces[fx.WMP]["status"] == "closed"
    assert forces[KENT]["status"] == "in_progress"
    # West Midlands' tracker does not speak for Kent.
    assert forces_of(db, ARCHIVED)[KENT]["status"] == "open"
    assert forces_of(db, ARCHIVED)[fx.WMP]["status"] == "closed"


def test_each_forces_paper_shows_its_own_status(db_path):
    register_ = read_register(db_path)
    papers = {
        force: build_update(register_, date(2017, 3, 1), date(2017, 6, 30), force)
        for force in (fx.WMP, KENT)
    }
    status = {
        force: update.items.set_index("text").loc[ARCHIVED, "status"]
        for force, update in papers.items()
    }
    assert status == {fx.WMP: "closed", KENT: "open"}


def test_a_national_change_must_say_whose_it_is(db_path):
    db = register.open_register(db_path)
    national = item_id(db, fx.EVERYONES_BUSINESS[0])
    with pytest.raises(ValueError, match="applies to 2 forces .*--force"):
        register.record_change(db, national, "status", "closed")
    own = item_id(db, fx.CALLS_AFI_2015)
    with pytest.raises(ValueError, match="does not apply to Kent Police"):
        register.record_change(db, own, "status", "closed", force=KENT)
    register.record_change(db, own, "status", "closed")  # West Midlands' only
    assert forces_of(db, fx.CALLS_AFI_2015) == {
        fx.WMP: {"force": fx.WMP, "status": "closed", "rag": None, "owner": None,
                 "target_date": None, "for_information": False},
    }  # fmt: skip


def test_cli_status_takes_the_force_by_any_of_its_names(db_path):
    db = register.open_register(db_path)
    national = item_id(db, fx.EVERYONES_BUSINESS[1])
    result = CliRunner().invoke(cli, ["status", national, "closed", "--force", "Kent",
                                      "--db", str(db_path)])  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert forces_of(db, fx.EVERYONES_BUSINESS[1])[KENT]["status"] == "closed"
    result = CliRunner().invoke(cli, ["status", national, "closed", "--db",
                                      str(db_path)])  # fmt: skip
    assert result.exit_code == 1 and "say whose change it is" in result.stderr


def test_college_of_policing_recommendation_is_for_information(db_path):
    db = register.open_register(db_path)
    assert forces_of(db, COLLEGE)[KENT]["for_information"] is True
    update = build_update(read_register(db_path), date(2017, 7, 1),
                          date(2017, 9, 30), fx.WMP)  # fmt: skip
    assert COLLEGE not in set(update.outstanding["text"])
    assert list(update.information["text"]) == [COLLEGE]
    charts = {"age": _chart("age"), "status": _chart("status")}
    text = render_markdown(update, update_to_sections(update, charts),
                           {"age": "a.png", "status": "s.png"})  # fmt: skip
    assert "For information: items addressed to other bodies" in text
    assert "| The College of Policing |" in text


@pytest.mark.parametrize(
    ("addressee", "text", "expected"),
    [
        ("The Home Office", None, True),
        ("The NPCC lead for stalking and harassment", None, True),
        ("Police and crime commissioners", None, True),
        ("Within six months, the CPS", None, True),
        ("Chief constables", None, False),
        ("The force", None, False),
        ("Chief constables and chief Crown prosecutors", None, False),
        ("Norfolk County Council and Norfolk Constabulary", None, False),
        (None, "The Home Office and the NPCC lead should review the protocol.", True),
        (None, "To address this cause of concern, HMIC recommends the force should "
         "act.", False),
        (None, "Detainees should be able to shower every day.", False),
        # a long lead-in: a deadline, then partners named beside the addressee
        (None, "Within six months, the Home Office, working with the NPCC lead for "
         "stalking and harassment and the CPS, should develop a single definition "
         "of stalking.", True),
        (None, "By 31 October 2023, the National Police Chiefs' Council, in "
         "consultation with the College of Policing, should publish guidance.", True),
        (None, "We recommend that, within three months, West Midlands Police, "
         "working with the CPS, takes steps to reduce the backlog.", False),
        (None, "By October 2020, chief constables should work with local "
         "authorities and health partners to share information.", False),
    ],
)  # fmt: skip
def test_is_for_information(addressee, text, expected):
    assert is_for_information(addressee, text) is expected


def _chart(name):
    from pipeline.committee import Chart

    return Chart(name, name, b"")


def _csv_rows(db_path, force):
    import csv
    import io

    result = CliRunner().invoke(cli, ["export", "--db", str(db_path), "--format",
                                      "csv", "--force", force])  # fmt: skip
    assert result.exit_code == 0, result.stderr
    return {row["text"]: row for row in csv.DictReader(io.StringIO(result.stdout))}


def test_csv_export_for_a_force_gives_its_own_statuses(db_path):
    kent, wmp = _csv_rows(db_path, "Kent"), _csv_rows(db_path, "WMP")
    assert (kent[ARCHIVED]["force"], kent[ARCHIVED]["status"]) == (KENT, "open")
    assert (wmp[ARCHIVED]["force"], wmp[ARCHIVED]["status"]) == (fx.WMP, "closed")
    assert kent[COLLEGE]["for_information"] == "True"
    assert kent[COLLEGE]["addressee"] == "The College of Policing"
    assert kent[COLLEGE]["deadline_text"] == "within six months"


def test_xlsx_dates_are_dates(db_path, tmp_path):
    import openpyxl

    from pipeline.tabular import write_xlsx

    write_xlsx(read_register(db_path), tmp_path / "r.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "r.xlsx")["items"]
    header = [cell.value for cell in sheet[1]]
    rows = [dict(zip(header, (c.value for c in row), strict=True))
            for row in sheet.iter_rows(min_row=2)]  # fmt: skip
    college = next(row for row in rows if row["text"] == COLLEGE)
    assert college["published"].date() == date(2017, 7, 5)
    assert college["deadline_date"].date() == date(2018, 1, 5)


LONG_LEAD_IN = ("Within six months, the Home Office, working with the NPCC lead for "
                "stalking and harassment and the CPS, should develop a single "
                "definition of stalking that all agencies can use.")  # fmt: skip


def test_a_long_lead_in_names_the_body_and_keeps_it_for_information(tmp_path):
    db = register.open_register(tmp_path / "register.db")
    stalking = stalking_2017()
    stalking["items"].append(fx.item("recommendation", "2", LONG_LEAD_IN, 31))
    for document in (stalking, kent_2023()):
        register.load_document(db, document)
    assert db.execute("SELECT addressee FROM items WHERE text = ?",
                      [LONG_LEAD_IN]).fetchone() == ("the Home Office",)  # fmt: skip
    assert forces_of(db, LONG_LEAD_IN)[KENT]["for_information"] is True


def test_the_extractors_addressee_and_deadline_are_used_when_it_gives_them(tmp_path):
    # Issue 16: reading them is extraction's; the register re-reads the text
    # only for an extractor that does not say.
    text = "Officers should be given training on stalking, as we set out above."
    printing = fx.item("recommendation", "3", text, 32,
                       addressee="The College of Policing",
                       deadline="By 31 March 2018")  # fmt: skip
    stalking = stalking_2017()
    stalking["items"].append(printing)
    db = register.open_register(tmp_path / "register.db")
    for document in (stalking, kent_2023()):
        register.load_document(db, document)
    row = db.execute("SELECT addressee, deadline_text, deadline_date FROM items "
                     "WHERE text = ?", [text]).fetchone()  # fmt: skip
    assert row == ("The College of Policing", "By 31 March 2018", "2018-03-31")
    assert forces_of(db, text)[KENT]["for_information"] is True


# --- the forces the register tracks (hmic forces) ---------------------------------


def forces_cli(db_path, *args, ok=True):
    result = CliRunner().invoke(cli, ["forces", *args, "--db", str(db_path)])
    assert (result.exit_code == 0) is ok, result.stderr
    return result


def test_by_default_the_register_tracks_the_forces_of_its_reports(db_path):
    assert forces_cli(db_path, "list").stdout == (
        f"{KENT}\ta report of it is in the register\n"
        f"{fx.WMP}\ta report of it is in the register\n"
    )


def test_an_analyst_sets_the_forces_a_national_item_applies_to(db_path):
    result = forces_cli(db_path, "track", "Kent", "GMP")
    assert result.stdout == (f"{KENT}: tracked\n"
                             "Greater Manchester Police: tracked\n")  # fmt: skip
    assert forces_cli(db_path, "track", "kent").stdout == f"{KENT}: tracked already\n"
    assert forces_cli(db_path, "list").stdout == (
        f"Greater Manchester Police\tlisted by an analyst\n"
        f"{KENT}\tlisted by an analyst\n"
    )
    db = register.open_register(db_path)
    # The national item (printed only in a national report) applies to the
    # listed forces, no longer to West Midlands; an item a force's own report
    # or tracker prints is still that force's.
    assert sorted(forces_of(db, COLLEGE)) == ["Greater Manchester Police", KENT]
    assert sorted(forces_of(db, fx.CALLS_AFI_2015)) == [fx.WMP]
    assert fx.WMP in forces_of(db, fx.EVERYONES_BUSINESS[0])  # WMP's tracker
    register.record_change(db, item_id(db, COLLEGE), "status", "closed",
                           force="Greater Manchester Police")  # fmt: skip
    assert forces_of(db, COLLEGE)["Greater Manchester Police"]["status"] == "closed"
    assert forces_of(db, COLLEGE)[KENT]["status"] == "open"
    # An export for Greater Manchester: the register tracks it, so its
    # national items are there, though it holds none of its reports.
    gmp = _csv_rows(db_path, "GMP")
    assert gmp[COLLEGE]["status"] == "closed"
    assert fx.CALLS_AFI_2015 not in gmp
    # West Midlands is not tracked now: national items leave its export.
    wmp = _csv_rows(db_path, "WMP")
    assert COLLEGE not in wmp and fx.CALLS_AFI_2015 in wmp

    result = forces_cli(db_path, "untrack", "Kent", "Greater Manchester")
    assert result.stdout == (f"{KENT}: untracked\n"
                             "Greater Manchester Police: untracked\n")  # fmt: skip
    assert sorted(forces_of(db, COLLEGE)) == [KENT, fx.WMP]


def test_a_force_name_the_register_cannot_place_is_refused(db_path):
    result = forces_cli(db_path, "track", "Westmids Police", ok=False)
    assert "'Westmids Police' is not a force" in result.stderr
    assert forces_cli(db_path, "list").stdout.count("listed by an analyst") == 0
