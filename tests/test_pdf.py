"""extract/pdf.py: every way a PDF can go wrong ends in one reason, or a warning."""

import warnings
from pathlib import Path

import pytest

from extract import pdf
from extract.errors import (
    REASONS,
    DamagedPdf,
    EncryptedPdf,
    ExtractError,
    ExtractWarning,
    IncompletePdf,
    NoPages,
    NotAPdf,
    NoTextLayer,
    UndecodableText,
)

PDFS = Path(__file__).parent / "pdfs"


def read_all(path) -> list[dict]:
    return list(pdf.iter_pages(path))


@pytest.mark.parametrize(
    "name, error, detail",
    [
        ("zero-bytes.pdf", NotAPdf, "empty"),
        ("not-a-pdf.pdf", NotAPdf, "<!DOCTYP"),
        ("encrypted-user-password.pdf", EncryptedPdf, "empty password"),
        ("blank-page.pdf", NoTextLayer, "no characters"),
        ("all-pages-bad.pdf", DamagedPdf, "page 1 (IndexError"),
        ("bad-second-page.pdf", IncompletePdf, "page 2 (IndexError"),
        ("count-says-three.pdf", IncompletePdf, "2 of the 3 pages"),
    ],
)
def test_bad_input_raises_its_reason(name, error, detail):
    with pytest.raises(error) as caught:
        read_all(PDFS / name)
    assert type(caught.value) is error
    assert detail in str(caught.value)
    assert caught.value.reason in REASONS


def test_good_pages_come_before_the_error_about_a_bad_one():
    pages = []
    with pytest.raises(IncompletePdf):
        for page in pdf.iter_pages(PDFS / "bad-second-page.pdf"):
            pages.append(page)
    assert [p["page_number"] for p in pages] == [1, 3]
    assert [w["text"] for w in pages[1]["words"]] == ["Page", "three"]


def test_page_record_shape():
    pages = read_all(PDFS / "two-pages.pdf")
    assert [p["page_number"] for p in pages] == [1, 2]
    assert set(pages[0]) == {
        "page_number",
        "width",
        "height",
        "words",
        "rects",
        "marks",
        "tables",
    }
    word = pages[0]["words"][0]
    assert word["text"] == "Recommendation"
    assert set(pdf.WORD_KEYS) <= set(word)


def test_pdfminer_log_becomes_a_warning_while_reading():
    logger = pdf.logging.getLogger("pdfminer.pdfpage")

    def noisy_pages():
        for page in pdf.iter_pages(PDFS / "two-pages.pdf"):
            logger.warning("Data-loss while decompressing corrupted data")
            yield page

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        list(noisy_pages())
    messages = [str(w.message) for w in caught if w.category is ExtractWarning]
    assert messages == ["pdfminer: Data-loss while decompressing corrupted data"]
    assert not pdf.logging.getLogger("pdfminer").handlers


# --- the pure checks -----------------------------------------------------------


def page_stats(page_number, glyphs=100, undecodable=0, images=0, **extra):
    return {
        "page_number": page_number,
        "glyphs": glyphs,
        "undecodable": undecodable,
        "undecodable_examples": ["(cid:3)"] if undecodable else [],
        "images": images,
        "annotation_text": False,
        "words_off_page": 0,
    } | extra


@pytest.mark.parametrize(
    "text, expected",
    [
        ("(cid:53)", True),
        ("\ue000", True),
        ("\ufffd", True),
        ("\x01", True),
        ("a", False),
        ("é", False),
        ("’", False),
        ("•", False),
    ],
)
def test_is_undecodable(text, expected):
    assert pdf.is_undecodable(text) is expected


def test_mostly_undecodable_text_is_an_error():
    stats = [page_stats(1, undecodable=90), page_stats(2, undecodable=30)]
    with pytest.raises(UndecodableText, match="120 of 200 glyphs"):
        pdf.check_text(stats)


def test_some_undecodable_pages_are_a_warning_naming_them():
    stats = [page_stats(1), page_stats(2, undecodable=80), page_stats(3)]
    with pytest.warns(ExtractWarning, match="not decodable on page 2$"):
        pdf.check_text(stats)


def test_no_characters_at_all_is_no_text_layer():
    with pytest.raises(NoTextLayer, match="any of its 2 pages"):
        pdf.check_text([page_stats(1, glyphs=0), page_stats(2, glyphs=0)])


def test_text_only_in_annotations_says_so():
    stats = [page_stats(1, glyphs=0, annotation_text=True)]
    with pytest.raises(NoTextLayer, match="annotations"):
        pdf.check_text(stats)


def test_a_scanned_page_among_text_pages_is_a_warning():
    stats = [page_stats(1), page_stats(2, glyphs=0, images=1)]
    with pytest.warns(ExtractWarning, match=r"scanned\?\) on page 2$"):
        pdf.check_text(stats)


def test_clean_text_gives_no_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        pdf.check_text([page_stats(1), page_stats(2, undecodable=3)])


@pytest.mark.parametrize(
    "found, declared, objects, error",
    [
        (2, 4, 8, IncompletePdf),
        (0, 3, 8, DamagedPdf),
        (0, 0, 3, NoPages),
        (0, None, 3, NoPages),
    ],
)
def test_page_count_check_raises(found, declared, objects, error):
    with pytest.raises(error):
        pdf.check_page_count(found, declared, objects)


def test_an_impossible_count_is_a_warning_not_lost_pages():
    # pdf.js poppler-67295-0.pdf: /Count 9999999999, seven objects, one page.
    with pytest.warns(ExtractWarning, match="9999999999 pages"):
        pdf.check_page_count(1, 9999999999, 7)


@pytest.mark.parametrize("found, declared", [(3, 3), (4, 3), (2, None)])
def test_page_count_check_passes(found, declared):
    pdf.check_page_count(found, declared, 100)


def test_failed_pages_are_named_and_capped_at_five():
    failures = [(n, "KeyError") for n in range(2, 10)]
    with pytest.raises(IncompletePdf) as caught:
        pdf.check_failed_pages(failures, 20)
    assert "8 of 20 pages" in str(caught.value)
    assert "page 6 (KeyError) and 3 more" in str(caught.value)


def test_error_survives_pickling_with_its_message():
    import pickle

    error = pickle.loads(pickle.dumps(DamagedPdf("cannot open it (KeyError)")))
    assert type(error) is DamagedPdf
    assert str(error) == "damaged PDF: cannot open it (KeyError)"
    assert isinstance(error, ExtractError)
