"""Controlled vocabularies: the single source of truth for codes and the terms that name them.

Each vocabulary is a YAML file under ``assets/vocab/`` (``{name, description, codes: {code:
{label, terms}}}``) so a domain expert can add a term without touching code. Terms are matched
longest first and without overlap; Latin terms match case-insensitively, only on word edges
(``OA`` never matches inside ``KOA``), tolerate spacing and dash variants (``BM - MSC``) and a
plural ``s``. Simplified and traditional variants are both matched, whichever the file lists.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import NamedTuple

import yaml

from ..settings import vocab_dir
from .memo import per_document

VOCAB_DIR = vocab_dir()

_LATIN = re.compile(r"[A-Za-z0-9]")
_DASHES = "-‐‑‒–—―−"


class Match(NamedTuple):
    """One vocabulary hit: the code, the text as written, and its span (a tuple: extraction
    makes tens of thousands per document batch)."""

    code: str
    term: str
    start: int
    end: int


@dataclass(frozen=True, eq=False)  # one object per name (``load_vocab``): hashed by identity
class Vocabulary:
    """Codes (in file order, which callers may use as priority) with their terms."""

    name: str
    labels: dict[str, str]
    terms: dict[str, tuple[str, ...]]
    attrs: dict[str, dict] = field(default_factory=dict, hash=False, compare=False)

    @property
    def codes(self) -> list[str]:
        return list(self.labels)

    @cached_property
    def _patterns(self) -> dict[str, tuple[re.Pattern[str], dict[str, str]]]:
        """One alternation per character a term can start with, longest term first.

        At a position only the terms that can start with its character are tried (a few,
        where one alternation of every term tried them all): the longest-listed hit there
        wins, and overlapping hits at other positions are found too."""
        parts: dict[str, list[str]] = {}
        by_group: dict[str, str] = {}
        seen: set[str] = set()
        pairs = sorted(((t, c) for c, ts in self.terms.items() for t in ts), key=lambda tc: -len(tc[0]))
        for i, (term, code) in enumerate(pairs):
            key = term.casefold()
            if key in seen:
                continue
            seen.add(key)
            group = f"t{i}"
            by_group[group] = code
            for ch in _start_variants(term[0]):
                parts.setdefault(ch, []).append(f"(?P<{group}>{_term_regex(term)})")
        return {ch: (re.compile("(?:" + "|".join(ps) + ")", re.IGNORECASE), by_group) for ch, ps in parts.items()}

    def find(self, text: str) -> list[Match]:
        """All non-overlapping hits, longest first at every contested span, in text order.

        Memoised per text within one document (``parse.memo``): extraction asks the same
        vocabulary about the same passage many times, and this scan is the hot path."""
        return self._find(text)

    @cached_property
    def _starts(self) -> re.Pattern | None:
        """Every character a term can start at, as one class: the positions worth trying are
        found by the regex engine instead of a Python loop over every character.

        A character that only Latin-initial terms start with is tried only where a word starts
        (those terms open with ``(?<![A-Za-z0-9])``, ``_term_regex``): inside MSCs or 2019
        nine tries in ten would fail there anyway."""
        chars = sorted(ch for ch in self._patterns if len(ch) == 1)
        if not chars:
            return None
        latin = {ch for t in self._all_terms() if _LATIN.match(t[0]) for ch in _start_variants(t[0])}
        latin -= {ch for t in self._all_terms() if not _LATIN.match(t[0]) for ch in _start_variants(t[0])}
        anywhere = "".join(re.escape(ch) for ch in chars if ch not in latin)
        at_word = "".join(re.escape(ch) for ch in chars if ch in latin)
        parts = ([f"[{anywhere}]"] if anywhere else []) + ([rf"(?<![A-Za-z0-9])[{at_word}]"] if at_word else [])
        return re.compile("|".join(parts))

    def _all_terms(self) -> Iterator[str]:
        return (t for ts in self.terms.values() for t in ts)

    @per_document  # keyed by this object's identity (eq=False) and the text; hands out a copy
    def _find(self, text: str) -> list[Match]:
        patterns = self._patterns
        candidates: list[Match] = []
        starts = self._starts
        for hit in starts.finditer(text) if starts is not None else ():
            pos = hit.start()
            pattern, by_group = patterns[hit.group()]
            m = pattern.match(text, pos)
            if m is None:
                continue
            group = m.lastgroup or ""
            start, end = m.span(group)
            candidates.append(Match(by_group[group], text[start:end], start, end))
        if all(a.end <= b.start for a, b in zip(candidates, candidates[1:], strict=False)):
            return candidates  # in text order already, and no two contest a span
        chosen: list[Match] = []
        taken = [False] * (len(text) + 1)
        for cand in sorted(candidates, key=lambda c: (-(c.end - c.start), c.start)):
            if any(taken[cand.start : cand.end]):
                continue
            for k in range(cand.start, cand.end):
                taken[k] = True
            chosen.append(cand)
        return sorted(chosen, key=lambda c: c.start)

    def first(self, text: str) -> str | None:
        """Code of the first hit in text order, or None."""
        hits = self.find(text)
        return hits[0].code if hits else None

    def codes_in(self, text: str) -> list[str]:
        """Distinct codes found, in order of first appearance."""
        out: list[str] = []
        for m in self.find(text):
            if m.code not in out:
                out.append(m.code)
        return out

    def label(self, code: str) -> str:
        return self.labels[code]

    def attr(self, code: str, key: str, default=None):
        """An extra key of a code's entry (e.g. ``refines``), for rules kept in the YAML."""
        return self.attrs.get(code, {}).get(key, default)


def _start_variants(ch: str) -> set[str]:
    """Characters of the text a term starting with ``ch`` can start at (case, dashes)."""
    out = {ch, ch.lower(), ch.upper(), ch.casefold()}
    if ch in _DASHES:
        out.update(_DASHES)
    return out


def _term_regex(term: str) -> str:
    """A term as a regex: flexible spacing and dashes, word edges for Latin ends, plural s."""
    out = []
    prev_latin = False
    for ch in term:
        is_latin = bool(_LATIN.match(ch))
        if ch in _DASHES:
            out.append(r"(?:\s*[" + re.escape(_DASHES) + r"]\s*|\s+)")  # AD-MSC or AD MSC
        elif ch.isspace():
            out.append(r"\s*")
        else:
            if out and (is_latin != prev_latin or not is_latin and not _is_cjk(ch)):
                out.append(r"\s?")
            out.append(re.escape(ch))
        prev_latin = is_latin
    body = "".join(out)
    if _LATIN.match(term[0]):
        body = r"(?<![A-Za-z0-9])" + body
    if _LATIN.match(term[-1]):
        body = body + r"(?:s(?![A-Za-z0-9])|(?![A-Za-z0-9]))"
    return body


def _is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


@cache
def _converters():
    import opencc

    return opencc.OpenCC("t2s"), opencc.OpenCC("s2t")


def _variants(term: str) -> list[str]:
    t2s, s2t = _converters()
    out = [term]
    for v in (t2s.convert(term), s2t.convert(term)):
        if v not in out:
            out.append(v)
    return out


def _path_for(name: str) -> Path:
    for candidate in (VOCAB_DIR / f"{name}.yaml", VOCAB_DIR / f"{name}s.yaml"):
        if candidate.exists():
            return candidate
    for candidate in sorted(VOCAB_DIR.glob("*.yaml")):
        doc = yaml.safe_load(candidate.read_text(encoding="utf-8")) or {}
        if doc.get("name") == name:
            return candidate
    raise KeyError(f"no vocabulary named {name!r} in {VOCAB_DIR}")


@cache
def load_vocab(name: str) -> Vocabulary:
    """Load a vocabulary by its ``name`` or file stem (``route`` or ``routes``)."""
    path = _path_for(name)
    doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    codes = doc.get("codes") or {}
    if not isinstance(codes, dict):
        raise ValueError(f"{path}: 'codes' must be a mapping")
    labels: dict[str, str] = {}
    terms: dict[str, tuple[str, ...]] = {}
    attrs: dict[str, dict] = {}
    for code, spec in codes.items():
        spec = spec or {}
        attrs[str(code)] = {k: v for k, v in spec.items() if k not in ("label", "terms")}
        labels[str(code)] = str(spec.get("label") or code)
        expanded: list[str] = []
        for term in spec.get("terms") or []:
            for v in _variants(str(term)):
                if v and v not in expanded:
                    expanded.append(v)
        terms[str(code)] = tuple(expanded)
    return Vocabulary(name=str(doc.get("name") or path.stem), labels=labels, terms=terms, attrs=attrs)
