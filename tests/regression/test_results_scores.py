"""Outcome and adverse-event scores (issue 13), measured by ``mscflow eval``'s own function.

Seeds (``mscflow eval seeds assets/gold``), measured after the rules were written on them:
outcomes P 0.986 / R 0.986 / F1 0.986 (71 of 72 required records; the one miss is MELD
15.8 -> 13.3, whose sentence states its 48 weeks only after the control arm's values), adverse
events P 1.000 / R 1.000 / F1 1.000 (31/31).

Own fixtures o1-o3 (tests/regression/heldout/outcomes: an abstract, a hospital news item, a
case report), gold committed before any reader existed. FIRST RUN, the honest estimate for
unseen pages: outcomes P 0.571 / R 0.364 / F1 0.444, adverse events P 0.286 / R 0.200 /
F1 0.235 (a document study owned no sentence past its opening, a news item's headline study
took the results of the study it repeats, a second arm's from-to was dropped). After the seed
rules: 0.609 / 0.526; after the genre fixes (document study ownership, every arm's from-to,
baseline sentences, every denied kind a zero): 1.000 / 1.000.
Thresholds sit a few points below the measured figures."""

from __future__ import annotations

from pathlib import Path

import pytest

from mscflow.eval import evaluate

ROOT = Path(__file__).resolve().parents[2]
SETS = {
    "seeds": (ROOT / "seeds", ROOT / "assets" / "gold", {"outcomes": 0.95, "adverse_events": 0.95}),
    "fixtures": (ROOT / "tests/regression/heldout/outcomes/raw", ROOT / "tests/regression/heldout/outcomes",
                 {"outcomes": 0.95, "adverse_events": 0.95}),
}


@pytest.mark.parametrize("name", sorted(SETS))
def test_result_tables_score(name):
    docs, gold, floors = SETS[name]
    ev = evaluate(docs, gold)
    print(f"\n{name}\n" + "\n".join(rs.format_report() for rs in ev.results.values()))
    assert set(ev.results) == set(floors)
    for table, floor in floors.items():
        score = ev.results[table].score
        assert score.f1 >= floor, (table, score.precision, score.recall, ev.results[table].missed[:3])
    if name == "seeds":
        assert ev.studies.micro.f1 >= 0.985  # the study scores do not drop (0.988 before issue 13)
