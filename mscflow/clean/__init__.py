"""Cleaning: raw decoded article text -> simplified, readable text with a repair record."""

from .pipeline import CleanDocument, clean_document

__all__ = ["CleanDocument", "clean_document"]
