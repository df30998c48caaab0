"""cio-coach: cited coaching answers and jargon checks for IT leaders."""

__version__ = "0.1.0"
