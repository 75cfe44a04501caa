"""Datasette plugin: render "/corpus/<file>.pdf#page=N" cells as links.

The views of pipeline/views.sql put such values in their `pdf` columns; hmic
serve mounts the corpus folder at /corpus/, so the link opens the PDF at the
page where the item is printed. Loaded by pipeline/serve.py (plugins_dir).
"""

from __future__ import annotations

import re
from urllib.parse import quote

from datasette import hookimpl
from markupsafe import Markup

PDF_PAGE_LINK = re.compile(r"^/corpus/(?P<file>[^#?]+\.pdf)#page=(?P<page>\d+)$", re.I)


def pdf_link_html(value: object) -> Markup | None:
    """Return an <a> for a "/corpus/x.pdf#page=3" value, else None.

    The text is short ("PDF p. 3") so the link fits beside the item's text;
    the file's name is its tooltip.

    >>> str(pdf_link_html("/corpus/a b.pdf#page=3"))
    '<a href="/corpus/a%20b.pdf#page=3" class="pdf-link" title="a b.pdf">PDF p. 3</a>'
    """
    match = PDF_PAGE_LINK.match(value) if isinstance(value, str) else None
    if match is None:
        return None
    href = f"/corpus/{quote(match['file'])}#page={match['page']}"
    return Markup('<a href="{}" class="pdf-link" title="{}">PDF p. {}</a>').format(
        href, match["file"], match["page"]
    )


@hookimpl
def render_cell(value):
    return pdf_link_html(value)
