"""`hmic serve` in a real browser: headless chromium driven by playwright.

Starts `hmic serve --port 0` on a register built in tmp_path, reads the
address it prints, and walks what an analyst does: home page, items faceted
by status, a full-text search, a canned query, and an occurrence's link to
its PDF page. Screenshots go to output/screenshots/. Skips, saying why, when
chromium or playwright is missing.
"""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import pytest

from corpus.chromium import CHROMIUM, CHROMIUM_ARGS
from pipeline.serve import set_password
from tests.test_serve import (
    KNOWN_PHRASE,
    KNOWN_TEXT,
    PASSWORD,
    PDF_NAME,
    add_review_cases,
    add_unsure_readings,
    build_register,
)

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parent.parent / "output" / "screenshots"
ADDRESS = re.compile(r"http://127\.0\.0\.1:\d+/")
START_TIMEOUT_S = 60


def hmic_command() -> list[str]:
    """The installed `hmic` beside this Python, else the CLI module itself."""
    script = Path(sys.executable).with_name("hmic")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from pipeline.cli import cli; cli()"]


def read_address(process: subprocess.Popen, timeout_s: float) -> str:
    """Return the address `hmic serve` prints, or fail with what it said."""
    lines: list[str] = []

    def read_lines():
        for line in process.stdout:
            lines.append(line)
            if ADDRESS.search(line):
                return

    reader = threading.Thread(target=read_lines, daemon=True)
    reader.start()
    reader.join(timeout_s)
    found = [ADDRESS.search(line) for line in lines]
    if not any(found):
        stderr = process.stderr.read() if process.poll() is not None else ""
        pytest.fail(f"hmic serve printed no address: {lines!r} {stderr}")
    return next(match.group(0) for match in found if match)


def wait_until_up(address: str, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            with urllib.request.urlopen(address + "-/versions.json", timeout=5):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def stop(process: subprocess.Popen) -> None:
    """Stop the server and everything it started; always reap it."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


@contextmanager
def serving(db_path: Path, corpus: Path, *options: str) -> Iterator[str]:
    """Run `hmic serve` on `db_path`; yield its address; kill it after."""
    process = subprocess.Popen(
        [*hmic_command(), "serve", "--db", str(db_path), "--port", "0"]
        + ["--corpus", str(corpus), *options],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
        start_new_session=True,
    )
    try:
        address = read_address(process, START_TIMEOUT_S)
        wait_until_up(address, START_TIMEOUT_S)
        yield address
    finally:
        stop(process)


@pytest.fixture
def served_register(tmp_path):
    """`hmic serve` on a fresh register, read-only; yields (address, db)."""
    db_path, corpus = build_register(tmp_path)
    with serving(db_path, corpus) as address:
        yield address, db_path


@pytest.fixture
def server(served_register):
    return served_register[0]


@pytest.fixture
def edit_server(tmp_path):
    """`hmic serve --edit` with alice's password set; yields (address, db)."""
    db_path, corpus = build_register(tmp_path)
    set_password(db_path, "alice", PASSWORD)
    with serving(db_path, corpus, "--edit") as address:
        yield address, db_path


@pytest.fixture
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} not found; install Debian's chromium to run this")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright missing")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield chromium
        finally:
            chromium.close()


def navigation(page):
    """Wait, around a click or key that leaves the page, for the next page.

    `click(); wait_for_load_state()` can return before the navigation has
    even begun (the current page is loaded already), so the assertion after
    it read the old page: "Items a re-extract no longer finds: 1", the old
    search results, the old h3. The journey failed so, once in a while.
    """
    return page.expect_navigation(wait_until="load")


def shoot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def assert_readable_at_1280(page, row) -> None:
    """The page needs no horizontal scrolling, and `row`'s text and PDF link
    lie inside the 1280 px window."""
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    for cell in (row.locator("td.col-text"), row.locator("a.pdf-link")):
        box = cell.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 1280


def test_analyst_reviews_the_register_in_chromium(browser, server):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.set_default_timeout(20_000)

    page.goto(server)
    assert page.title().startswith("HMIC recommendations register")
    body = page.inner_text("body")
    assert "item_register" in body
    shoot(page, "01-home")
    with navigation(page):
        page.get_by_role("link", name="glossary", exact=True).first.click()
    assert "pending_sign_off" in page.inner_text("body")
    shoot(page, "01b-glossary")

    page.goto(server + "register/items?_facet=status")
    # status is a metadata facet too, so Datasette may list it twice
    facet = page.locator(".facet-info[data-column=status]").first.locator("li")
    assert facet.all_inner_texts() == ["open 2", "closed 1"]
    with navigation(page):
        facet.get_by_role("link", name="closed", exact=True).click()
    assert '1 row where status = "closed"' in page.inner_text("h3")
    assert page.locator("table.rows-and-columns tbody tr").count() == 1
    shoot(page, "02-items-by-status")

    page.goto(server + "register/item_register")
    page.fill("input[name=_search]", KNOWN_PHRASE)
    with navigation(page):
        page.locator("input[name=_search]").press("Enter")
    rows = page.locator("table.rows-and-columns tbody tr")
    assert rows.count() == 1
    assert KNOWN_TEXT in rows.first.inner_text()
    assert "PEEL: Police effectiveness 2015" in rows.first.inner_text()
    assert_readable_at_1280(page, rows.first)
    shoot(page, "03-search")
    with navigation(page):
        rows.first.locator("a.item-link").click()
    assert page.url.endswith("/register/items/i-dom")
    assert KNOWN_TEXT in page.inner_text("blockquote.item-text")
    assert "on-going" in page.inner_text("ol.timeline")
    assert page.locator("table.item-printings a.pdf-link").count() == 3
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    shoot(page, "03b-item-page")

    page.goto(server + "register/items_repeated_across_reports")
    assert "Items repeated across reports" in page.inner_text("h1")
    table = page.locator("table.rows-and-columns")
    assert KNOWN_TEXT in table.inner_text()
    assert "2016-02-18" in table.inner_text()
    shoot(page, "04-canned-query")

    page.goto(server + "register/report_items")
    page.select_option(
        "select[name=report_id]", label="PEEL: Police effectiveness 2016 - Test "
        "Force (2017-03-02)"
    )  # fmt: skip
    with navigation(page):
        page.click("input[type=submit]")
    assert page.url.endswith("report_items?report_id=r2016")
    assert_readable_at_1280(page, page.locator("table.rows-and-columns tbody tr").last)
    link = page.locator("a.pdf-link").last
    href = link.get_attribute("href")
    assert href == f"/corpus/{PDF_NAME}#page=3"
    shoot(page, "05-report-items")
    with page.expect_response(lambda r: PDF_NAME in r.url) as pdf_response:
        try:
            link.click()
        except Exception:  # headless chromium may turn the PDF into a download
            pass
    response = pdf_response.value
    assert response.status == 200
    assert response.headers["content-type"].startswith("application/pdf")
    page.wait_for_timeout(500)
    if page.url.endswith(".pdf#page=3"):
        shoot(page, "06-pdf")


def http(address: str, path: str, data: bytes | None = None, headers=None):
    """(status, body) of one request to the real server, errors included."""
    request = urllib.request.Request(address + path, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_the_real_server_refuses_forged_hosts_and_cross_site_posts(edit_server):
    address, db_path = edit_server
    forged = http(address, "register/items", headers={"Host": "evil.example"})
    assert forged[0] == 400 and "is not served here" in forged[1]
    cross_site = http(
        address,
        "-/set-status",
        data=b"item_id=i-dom&status=closed",
        headers={"Origin": "https://evil.example", "Content-Type": "text/plain"},
    )
    assert cross_site[0] == 403
    cookie_less = http(address, "-/set-status", data=b"item_id=i-dom&status=closed")
    assert cookie_less[0] == 403
    with closing(sqlite3.connect(db_path)) as connection:
        status = connection.execute("select status from items where id = 'i-dom'")
        assert status.fetchone() == ("open",)


def dashboard_count(page, kind: str, status: str) -> str:
    """The dashboard's kind × status count ("0" when none)."""
    row = page.locator("table.dashboard-counts tr", has_text=kind.replace("_", " "))
    headers = page.locator("table.dashboard-counts").first.locator("th")
    column = headers.all_inner_texts().index(status.replace("_", " "))
    return row.first.locator("td").nth(column).inner_text()


def test_analyst_journey_from_dashboard_to_a_recorded_status(browser, edit_server):
    """Dashboard, search, item page, PDF page, sign in, a bad status word, a
    status with a note, then the history and the dashboard show it."""
    address, db_path = edit_server
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.set_default_timeout(20_000)

    page.goto(address)
    assert "Items by status and kind" in page.inner_text("body")
    assert dashboard_count(page, "area_for_improvement", "open") == "1"
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    charts = page.locator(".panel-chart img")
    assert charts.count() == 2
    page.wait_for_function(
        "[...document.querySelectorAll('.panel-chart img')]"
        ".every(img => img.complete && img.naturalWidth > 0)"
    )
    shoot(page, "10-dashboard")

    page.get_by_role("link", name="item_register", exact=True).first.click()
    page.fill("input[name=_search]", KNOWN_PHRASE)
    with navigation(page):
        page.locator("input[name=_search]").press("Enter")
    with navigation(page):
        page.locator("table.rows-and-columns tbody tr a.item-link").first.click()
    assert page.url.endswith("/register/items/i-dom")
    assert KNOWN_TEXT in page.inner_text("blockquote.item-text")

    pdf_link = page.locator("p.item-source a.pdf-link")
    assert pdf_link.get_attribute("href") == f"/corpus/{PDF_NAME}#page=2"
    with page.expect_response(lambda r: PDF_NAME in r.url) as pdf_response:
        try:
            pdf_link.click()
        except Exception:  # headless chromium may turn the PDF into a download
            pass
    assert pdf_response.value.status == 200
    page.goto(address + "register/items/i-dom")

    with navigation(page):
        page.get_by_role("link", name="Sign in").click()
    assert page.url.endswith("/-/login")
    page.fill("input[name=username]", "alice")
    page.fill("input[name=password]", PASSWORD)
    shoot(page, "07-sign-in")
    with navigation(page):
        page.click("input[type=submit]")

    page.goto(address + "register/items/i-dom")
    page.fill("input[name=status]", "Closed")
    page.fill("input[name=note]", "evidence seen")
    with navigation(page):
        page.click("form.set-status input[type=submit]")
    error = page.inner_text(".message-error")
    assert "Nothing saved: 'Closed' is not a status" in error
    shoot(page, "08-bad-status")

    page.fill("input[name=status]", "pending_sign_off")
    page.fill("input[name=note]", "evidence sent to HMICFRS")
    with navigation(page):
        page.click("form.set-status input[type=submit]")
    assert "Saved: pending_sign_off for item i-dom, by alice" in page.inner_text(
        ".message-info"
    )
    assert page.url.endswith("/register/items/i-dom")
    history = page.inner_text("ol.timeline")
    assert "evidence sent to HMICFRS" in history and "analyst alice" in history
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    shoot(page, "09-status-saved")
    with closing(sqlite3.connect(db_path)) as connection:
        rows = connection.execute(
            "select value, source, note, analyst from status_history "
            "where item_id = 'i-dom' and source = 'analyst'"
        ).fetchall()
    assert rows == [("pending_sign_off", "analyst", "evidence sent to HMICFRS",
                     "alice")]  # fmt: skip

    page.goto(address)
    assert dashboard_count(page, "area_for_improvement", "open") == "0"
    assert dashboard_count(page, "area_for_improvement", "pending_sign_off") == "1"
    shoot(page, "11-dashboard-after")


def test_a_change_made_with_hmic_status_shows_on_reload(browser, served_register):
    address, db_path = served_register
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.set_default_timeout(20_000)
    page.goto(address + "register/items/i-new")
    assert "in_progress" not in page.inner_text("dl.item-facts")
    subprocess.run(
        [*hmic_command(), "status", "i-new", "in_progress", "--db", str(db_path)],
        check=True,
        capture_output=True,
    )
    page.reload()
    assert "in_progress" in page.inner_text("dl.item-facts")


def sign_in(page, address: str) -> None:
    page.goto(address + "-/login")
    page.fill("input[name=username]", "alice")
    page.fill("input[name=password]", PASSWORD)
    with navigation(page):
        page.click("input[type=submit]")


def test_analyst_works_through_the_review_queue_in_chromium(browser, edit_server):
    address, db_path = edit_server
    add_review_cases(db_path)
    add_unsure_readings(db_path)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.set_default_timeout(20_000)
    sign_in(page, address)
    page.goto(address + "-/review")
    body = page.inner_text("body")
    assert "Items extraction was unsure of (confidence under 0.5): 1" in body
    assert "Links de-duplication was unsure about: 2" in body
    assert "Items of reports not yet ingested (placeholders): 1" in body
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    shoot(page, "12-review-queue")
    weak = page.locator("table.review-low-confidence")
    with navigation(page):
        weak.locator("input[value='Confirm: read right']").click()
    assert "Done: item i-new confirmed, by alice" in page.inner_text(".message-info")
    assert (
        "Items extraction was unsure of (confidence under 0.5): 0"
        in page.inner_text("body")
    )
    with navigation(page):
        page.locator(
            "table.review-links input[value='Confirm: one item']"
        ).first.click()
    assert "Done: link 8 confirmed, by alice" in page.inner_text(".message-info")
    missing = page.locator("table.review-missing")
    missing.locator("input[name=reason]").fill("a heading, not an item")
    with navigation(page):
        missing.locator("input[value='Reject: not an item']").click()
    assert "Items a re-extract no longer finds: 0" in page.inner_text("body")
    shoot(page, "13-review-queue-after")
    with closing(sqlite3.connect(db_path)) as connection:
        analysts = connection.execute(
            "select item_id, field, analyst from status_history "
            "where source = 'analyst' order by id"
        ).fetchall()
    assert analysts == [("i-new", "confirmed", "alice"), ("i-vul", "rejected", "alice")]
