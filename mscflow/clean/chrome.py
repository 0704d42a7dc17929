"""Web chrome (navigation, QR/WeChat prompts, phones, disclaimers, copyright, ICP, TOP).

Rules live in ``assets/web_chrome.yaml`` so a domain expert can extend them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from ..settings import ASSETS_DIR
from .textmap import TextMap


@dataclass(frozen=True)
class ChromeRule:
    name: str
    pattern: re.Pattern[str]
    max_len: int
    requires: re.Pattern[str] | None = None  # a second pattern the line must also contain
    block: bool = False  # the short bulleted lines right under a matching line go with it

    def matches(self, line: str) -> bool:
        return (len(line) <= self.max_len and bool(self.pattern.search(line))
                and (self.requires is None or bool(self.requires.search(line))))


@dataclass(frozen=True)
class ChromeLine:
    rule: str
    text: str
    start: int  # span in the text the rule ran on
    end: int


@lru_cache(maxsize=4)
def load_rules(path: Path = ASSETS_DIR / "web_chrome.yaml") -> tuple[ChromeRule, ...]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return tuple(
        ChromeRule(r["name"], re.compile(r["pattern"], re.I), int(r.get("max_len", 80)),
                   re.compile(r["requires"], re.I) if r.get("requires") else None, bool(r.get("block")))
        for r in data["rules"]
    )


def match_rule(line: str, rules: tuple[ChromeRule, ...] | None = None) -> str | None:
    rule = _matching_rule(line, rules)
    return rule.name if rule else None


def _matching_rule(line: str, rules: tuple[ChromeRule, ...] | None = None) -> ChromeRule | None:
    stripped = line.strip()
    if not stripped:
        return None
    for rule in rules or load_rules():
        if rule.matches(stripped):
            return rule
    return None


BLOCK_ITEM = re.compile(r"^\s*[·•\-*]\s*\S")
BLOCK_ITEM_MAX = 60


def remove_chrome(tm: TextMap) -> tuple[TextMap, list[ChromeLine]]:
    """Drop whole lines that a chrome rule matches (and the short bulleted items under a block
    rule's heading); report each removed line."""
    removed: list[ChromeLine] = []
    edits = []
    pos = 0
    block: str | None = None  # the block rule whose items are being dropped
    for line in tm.text.split("\n"):
        end = pos + len(line)
        rule = _matching_rule(line)
        name = rule.name if rule else None
        if name is None and block and BLOCK_ITEM.match(line) and len(line.strip()) <= BLOCK_ITEM_MAX:
            name = block
        elif line.strip():
            block = rule.name if rule and rule.block else None
        if name:
            removed.append(ChromeLine(name, line.strip(), pos, end))
            edits.append((pos, min(end + 1, len(tm.text)), ""))
        pos = end + 1
    return (tm.apply(edits) if edits else tm), removed
