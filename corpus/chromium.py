"""Where Debian's chromium is and the flags it runs with, headless and offline.

Shared by corpus/render_html.py (print to PDF) and tests/test_browser.py
(Datasette through playwright); a module of its own so that the test, which
runs without the corpus-building extras, imports neither docx nor reportlab.
"""

import os

CHROMIUM = os.environ.get("HMIC_CHROMIUM", "/usr/bin/chromium")
# As root in CI: no sandbox; and no GPU, update or sync traffic.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
