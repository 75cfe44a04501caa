"""Blocks in, the report's metadata out (extract/metadata.py), on hand-built Blocks.

Contract §1 "report": `force` is the force or service inspected, null for a
national report; `inspectorates` lists joint inspectorates; `published` is the
publication date; `kind` is "tracker" for a force's own update on earlier
reports.
"""

from __future__ import annotations

import pytest

from extract.layout import Block
from extract.metadata import blocks_to_report, inspectorates_of, published_of


def cover(text, page=1, size=28.0):
    return Block(page=page, text=text, kind="heading", bold=True, size=size)


def para(text, page=1):
    return Block(page=page, text=text, kind="paragraph", size=10.0)


def test_force_found_in_the_title():
    report = blocks_to_report(
        [
            cover("PEEL: Police effectiveness 2016"),
            cover("An inspection of West Midlands Police"),
            para("March 2017"),
            para("The force works with Staffordshire Police on firearms.", page=5),
        ]
    )
    assert report["force"] == "West Midlands Police"
    assert report["kind"] == "inspection"


def test_national_report_has_no_force():
    report = blocks_to_report(
        [
            cover("Everyone’s business: Improving the police response"),
            cover("to domestic abuse"),
            para("March 2014"),
            para("We inspected all 43 police forces in England and Wales.", page=2),
            para("In Kent Police, officers used body-worn cameras.", page=12),
            para("West Midlands Police has a specialist team.", page=14),
            para("Kent Police also trained its call handlers.", page=15),
        ]
    )
    assert report["force"] is None
    assert report["kind"] == "inspection"


def test_joint_cover_lists_inspectorates_in_order():
    report = blocks_to_report(
        [
            cover("Report on an unannounced inspection visit to police custody"),
            cover("suites in West Midlands"),
            para("by HM Inspectorate of Prisons and HM Inspectorate of Constabulary"),
        ]
    )
    assert report["inspectorates"] == ["HMIP", "HMIC"]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("A joint inspection by HMIC and HMIP", ["HMIC", "HMIP"]),
        ("HMIP and HMIC", ["HMIP", "HMIC"]),
        ("HMICFRS", ["HMICFRS"]),
        (
            "Her Majesty’s Inspectorate of Constabulary and Fire & Rescue Services",
            ["HMICFRS"],
        ),
    ],
)
def test_inspectorates_in_order_of_first_mention(text, expected):
    assert inspectorates_of(text) == expected


@pytest.mark.parametrize(
    "fieldwork",
    [
        pytest.param("Unannounced inspection: 6–17 February 2017", id="en-dash"),
        pytest.param("Unannounced inspection: 6-17 February 2017", id="hyphen"),
        pytest.param(
            "Unannounced inspection: 30 January – 10 February 2017",
            id="two-months-dash",
        ),
        pytest.param(
            "Unannounced inspection: 30 January to 10 February 2017",
            id="two-months-to",
        ),
    ],
)
def test_end_of_a_date_range_is_not_the_publication_date(fieldwork):
    blocks = [
        cover("Report on an unannounced inspection visit to police custody"),
        para(fieldwork),
        para("Published 25 April 2017"),
    ]
    assert published_of(blocks) == "2017-04-25"


def test_date_range_alone_gives_no_publication_date():
    blocks = [cover("Custody inspection"), para("Inspection: 6–17 February 2017")]
    assert published_of(blocks) is None


def test_first_full_date_is_the_publication_date():
    blocks = [cover("Crime data integrity"), para("Published 2 March 2017")]
    assert blocks_to_report(blocks)["published"] == "2017-03-02"


def test_committee_paper_is_a_tracker():
    report = blocks_to_report(
        [
            cover("Audit Committee"),
            para("8 June 2017"),
            para("HMIC Inspections Update"),
            para("Report of the Chief Constable of West Midlands Police"),
        ]
    )
    assert report["kind"] == "tracker"
    assert report["force"] == "West Midlands Police"
