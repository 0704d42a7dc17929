"""Extraction: cleaned documents -> studies, registrations, references and table rows
(``document.extract_batch`` is the one entry point)."""
