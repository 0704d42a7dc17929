"""Parsing the clean text: tables (pipe and rule-less), numbers (counts, doses, durations,
years), and the controlled vocabularies' term matching. No study-level decisions here."""
