"""Why a PDF could not be read: one exception per reason, each with a fixed code.

The codes are data: the ingest log stores them and Datasette facets on them.
"""


class ExtractError(Exception):
    """A PDF could not be turned into a report document."""

    reason = "damaged"
    message = "damaged PDF"

    def __init__(self, detail: str = ""):
        self.detail = detail
        super().__init__(f"{self.message}: {detail}" if detail else self.message)

    def __reduce__(self):
        # Rebuilt from the detail alone, so an error sent back from the child
        # process keeps its message instead of repeating it.
        return (type(self), (self.detail,))


class NotAPdf(ExtractError):
    """The file is not a PDF at all (empty, HTML, text...)."""

    reason = "not_a_pdf"
    message = "not a PDF"


class DamagedPdf(ExtractError):
    """The file claims to be a PDF but its structure cannot be parsed."""

    reason = "damaged"
    message = "damaged PDF"


class EncryptedPdf(ExtractError):
    """The file needs a password to open."""

    reason = "encrypted"
    message = "encrypted (needs a password)"


class NoPages(ExtractError):
    """The file opens but has no pages."""

    reason = "no_pages"
    message = "no pages"


class NoTextLayer(ExtractError):
    """The pages have no characters: a scan, and OCR is not available."""

    reason = "no_text_layer"
    message = "no text layer (scanned?); OCR is not available"


class UndecodableText(ExtractError):
    """Most glyphs cannot be mapped to characters (missing font maps, (cid:NN))."""

    reason = "undecodable_text"
    message = "text not decodable (fonts lack character maps)"


class IncompletePdf(ExtractError):
    """Fewer pages could be read than the file's page tree declares."""

    reason = "incomplete"
    message = "incomplete"


class TooLarge(ExtractError):
    """Extraction went over the memory cap."""

    reason = "too_large"
    message = "too large"


class TooSlow(ExtractError):
    """Extraction went over the deadline."""

    reason = "too_slow"
    message = "too slow"


ERRORS = (
    NotAPdf,
    DamagedPdf,
    EncryptedPdf,
    NoPages,
    NoTextLayer,
    UndecodableText,
    IncompletePdf,
    TooLarge,
    TooSlow,
)
REASONS = [cls.reason for cls in ERRORS]


class ExtractWarning(UserWarning):
    """A PDF was read, but part of it may be lost or garbled (kept in "warnings")."""
