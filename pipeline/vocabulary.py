"""The register's words, spelt once: kinds, statuses, RAG grades, the 56 days.

One name per concept everywhere (pattern label = Item.kind = column value =
JSON value), so statuses.py, tabular.py, committee/ and cli.py read these
rather than each spelling them out.
"""

from __future__ import annotations

KINDS = ("recommendation", "cause_of_concern", "area_for_improvement")
STATUSES = ("open", "in_progress", "pending_sign_off", "closed", "superseded")
CLOSED_STATUSES = ("closed", "superseded")
RAGS = ("red", "amber", "green")
RESPONSE_DAYS = 56  # the PCC publishes a response within 56 days (Police Act 1996 s55)

KIND_NAMES = {
    "recommendation": ("recommendation", "recommendations"),
    "cause_of_concern": ("cause of concern", "causes of concern"),
    "area_for_improvement": ("area for improvement", "areas for improvement"),
}
"""Kind → (singular, plural) as a paper writes them."""
STATUS_NAMES = {
    "open": "Open",
    "in_progress": "In progress",
    "pending_sign_off": "Pending sign-off",
    "closed": "Closed",
    "superseded": "Superseded",
}
"""Status → as a paper or a table heading writes it."""
