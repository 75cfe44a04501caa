"""One HMIC/HMICFRS report PDF in, one report document (contract §1) out."""

__version__ = "0.1.0"
