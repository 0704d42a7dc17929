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

    def matches(self, line: str) -> bool:
        return len(line) <= self.max_len and bool(self.pattern.search(line))


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
        ChromeRule(r["name"], re.compile(r["pattern"], re.I), int(r.get("max_len", 80)))
        for r in data["rules"]
    )


def match_rule(line: str, rules: tuple[ChromeRule, ...] | None = None) -> str | None:
    stripped = line.strip()
    if not stripped:
        return None
    for rule in rules or load_rules():
        if rule.matches(stripped):
            return rule.name
    return None


def remove_chrome(tm: TextMap) -> tuple[TextMap, list[ChromeLine]]:
    """Drop whole lines that a chrome rule matches; report each removed line."""
    removed: list[ChromeLine] = []
    edits = []
    pos = 0
    for line in tm.text.split("\n"):
        end = pos + len(line)
        rule = match_rule(line)
        if rule:
            removed.append(ChromeLine(rule, line.strip(), pos, end))
            edits.append((pos, min(end + 1, len(tm.text)), ""))
        pos = end + 1
    return (tm.apply(edits) if edits else tm), removed
