"""Items worded as inspectorates word them, beyond this project's own
documents (issue 11: causes of concern stated as findings, addressees beyond
the force, lists introduced by a sentence naming their kind). Each text is
written for this test; the expectation is what contract §1 and the dev-set
README say an item is."""

from __future__ import annotations

from extract.items import blocks_to_items
from extract.layout import Block

INSPECTION = {"kind": "inspection"}


def heading(text, size=14.0, page=1):
    return Block(page=page, text=text, kind="heading", bold=True, size=size)


def para(text, page=1):
    return Block(page=page, text=text, kind="paragraph", size=10.0, x0=72.0)


def bullet(text, page=1):
    return Block(page=page, text=text, kind="bullet", marker="•", size=10.0)


def kinds_and_texts(blocks):
    return [(i["kind"], i["text"]) for i in blocks_to_items(blocks, INSPECTION)]


def test_causes_of_concern_listed_after_a_sentence_naming_them():
    first = "The force is failing to answer emergency calls within its own targets."
    second = "The service doesn't have an effective system for managing risk."
    blocks = [
        para("We inspected the force in March."),
        para("We found two causes of concern:"),
        bullet(first),
        bullet(second),
        para("We will revisit the force within six months."),
    ]
    assert kinds_and_texts(blocks) == [
        ("cause_of_concern", first),
        ("cause_of_concern", second),
    ]


def test_areas_for_improvement_listed_after_a_sentence_naming_them():
    afi = "The constabulary should improve how it supervises investigations."
    blocks = [para("We identified the following area for improvement:"), bullet(afi)]
    assert kinds_and_texts(blocks) == [("area_for_improvement", afi)]


def test_a_cause_of_concern_under_a_sub_heading_of_its_section():
    concern = "The force is failing to identify vulnerable callers at first contact."
    blocks = [
        heading("Causes of concern", size=14.0),
        heading("Responding to the public", size=11.0),
        para(concern),
    ]
    assert kinds_and_texts(blocks) == [("cause_of_concern", concern)]


def test_cause_of_concern_stated_as_a_finding_under_its_label():
    concern = (
        "The service doesn't have enough staff trained to inspect high-risk premises."
    )
    blocks = [heading("Cause of concern", size=11.0), para(concern)]
    assert kinds_and_texts(blocks) == [("cause_of_concern", concern)]


def test_recommendations_to_roles_units_and_several_bodies():
    texts = [
        "Custody personnel should be provided with refresher training in risk "
        "assessment.",
        "The NPCC lead for custody and the College of Policing should publish "
        "guidance on the use of anti-rip clothing.",
        "Chief constables, in consultation with police and crime commissioners, should "
        "review their arrangements for the care of detained children.",
        "All forces should publish their custody data every quarter.",
    ]
    blocks = [heading("Recommendations")] + [para(t) for t in texts]
    assert kinds_and_texts(blocks) == [("recommendation", t) for t in texts]


def test_a_deadline_before_the_addressee_opens_a_recommendation_anywhere():
    text = (
        "By September 2014, every police force should publish its domestic abuse plan."
    )
    assert kinds_and_texts([para("Our findings follow."), para(text)]) == [
        ("recommendation", text)
    ]


def test_findings_that_say_should_are_not_recommendations_outside_a_section():
    blocks = [
        para("Officers should be commended for their work with victims."),
        para("Victims told us that they should have been kept informed."),
    ]
    assert kinds_and_texts(blocks) == []
