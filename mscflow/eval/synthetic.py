"""A deterministic corpus of N distinct articles for the bench, recombined from the seeds.

Real articles of the genre are what the pipeline is slow or fast on, so the corpus is made of
the seeds' own lines: each article starts from one seed (its encoding kept), keeps its prose
paragraphs in order with some swapped for paragraphs of another seed, re-samples the rows of
each pipe table (header and rule kept), and perturbs numbers and registry ids. Article ``i``
depends only on ``i`` and the seeds, so two runs of the bench read the same bytes."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from pathlib import Path

from ..ingest import decode_bytes, list_seed_files
from ..parse.tables import is_rule_line

_NUMBER = re.compile(r"(?<![A-Za-z0-9.])\d{1,3}(?![0-9])")
_NCT = re.compile(r"NCT\d{8}")
_PERTURBED_SHARE = 0.35  # of the small numbers of a line, this share is changed


@dataclass(frozen=True)
class Seed:
    """One seed article split into blocks: prose lines and pipe tables (lists of lines)."""

    name: str
    encoding: str
    blocks: tuple[tuple[str, ...], ...]  # a prose block is one line; a table is header, rule, rows


def _blocks(text: str) -> tuple[tuple[str, ...], ...]:
    """Lines grouped so that a pipe table (consecutive lines with '|') is one block."""
    out: list[tuple[str, ...]] = []
    table: list[str] = []
    for line in text.splitlines():
        if "|" in line:
            table.append(line)
            continue
        if table:
            out.append(tuple(table))
            table = []
        out.append((line,))
    if table:
        out.append(tuple(table))
    return tuple(out)


def load_seeds(seeds_dir: Path) -> list[Seed]:
    """The seeds folder's articles, decoded the way ingest decodes them."""
    seeds = []
    for path in list_seed_files(seeds_dir):
        text, encoding, _ = decode_bytes(path.read_bytes())
        seeds.append(Seed(path.name, encoding, _blocks(text)))
    if not seeds:
        raise FileNotFoundError(f"no seed articles in {seeds_dir} to make a corpus from")
    return seeds


def _perturb_number(match: re.Match, rng: random.Random) -> str:
    if rng.random() > _PERTURBED_SHARE:
        return match.group(0)
    value = int(match.group(0))
    changed = max(1, value + rng.randint(-max(1, value // 5), max(1, value // 5)))
    return str(changed)


def perturb(line: str, rng: random.Random) -> str:
    """Small numbers moved by up to 20 %, registry ids re-drawn (so rows stay distinct)."""
    line = _NCT.sub(lambda m: f"NCT{rng.randrange(10**7, 10**8):08d}", line)
    return _NUMBER.sub(lambda m: _perturb_number(m, rng), line)


def _table(lines: tuple[str, ...], rng: random.Random) -> list[str]:
    """Header and rule kept; the data rows re-sampled (some dropped, some repeated, reordered)."""
    if len(lines) < 3 or not is_rule_line(lines[1]):
        return [perturb(line, rng) for line in lines]
    rows = list(lines[2:])
    picked = [rows[rng.randrange(len(rows))] for _ in range(max(1, int(len(rows) * rng.uniform(0.6, 1.2))))]
    return [lines[0], lines[1], *(perturb(r, rng) for r in picked)]


def article(i: int, seeds: list[Seed]) -> tuple[str, str, str]:
    """(file name, text, encoding) of article ``i``: distinct for every ``i``."""
    rng = random.Random(i)
    base = seeds[i % len(seeds)]
    donor = seeds[rng.randrange(len(seeds))]
    prose = [b[0] for b in donor.blocks if len(b) == 1 and len(b[0]) > 20]
    lines: list[str] = []
    for block in base.blocks:
        if len(block) > 1 or "|" in block[0]:
            lines.extend(_table(block, rng))
        elif prose and len(block[0]) > 20 and rng.random() < 0.2:
            lines.append(perturb(prose[rng.randrange(len(prose))], rng))
        else:
            lines.append(perturb(block[0], rng))
    lines.append(f"(本文编号 {i:06d})")
    return f"bench_{i:06d}_{base.name.split('_')[0]}.txt", "\n".join(lines) + "\n", base.encoding


def write_corpus(seeds_dir: Path, out_dir: Path, n: int) -> list[Path]:
    """Write ``n`` articles into ``out_dir`` (each in its base seed's encoding when it fits)."""
    seeds = load_seeds(seeds_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        name, text, encoding = article(i, seeds)
        try:
            data = text.encode(encoding)
        except (UnicodeEncodeError, LookupError):
            data = text.encode("utf-8")
        path = out_dir / name
        path.write_bytes(data)
        paths.append(path)
    return paths
