"""Extraction quality on held-out articles of the genre (not the seeds the rules were written on).

``tests/regression/heldout`` holds sets of hand-annotated articles (see its NOTES.md), each
written and annotated before the extractor was run on it, then used to find genre gaps. The
first-run figures are the honest estimate for unseen articles; the thresholds guard the fixes.
"""

from pathlib import Path

import pytest

from mscflow.eval import process_files, score_files
from mscflow.eval.scoring import load_gold, score_studies

HELDOUT = Path(__file__).resolve().parent / "heldout"


@pytest.mark.parametrize("gold_file", ["studies.jsonl", "blind_studies.jsonl", "blind3_studies.jsonl", "blind4_studies.jsonl",
                                      "blind5_studies.jsonl", "blind6_studies.jsonl"])
def test_gold_anchors_are_unique_in_their_article(gold_file):
    for gold in load_gold(HELDOUT / gold_file):
        text = (HELDOUT / gold["doc"]).read_text(encoding="utf-8")
        assert text.count(gold["anchor"]) == 1, gold["anchor"]


# (gold file, most invented studies allowed). First-run figures, before any fix for the set:
# - studies.jsonl, h1-h4: h1-h3 micro F1 0.936 (31/32 studies); h4, written after h1-h3 were
#   used for tuning, 0.897 (10/10). Now 0.992, 42/42, 0 invented.
# - blind_studies.jsonl, b1-b3, written before the extractor code was read: P 0.939 / R 0.594 /
#   F1 0.728, 18/28 studies, 2 invented (unknown machine-translated table headers,
#   Chinese-numeral phases, ``(2016)`` years, dose lists, arm sizes). Now 0.997, 28/28.
# - blind3_studies.jsonl, c1-c3, same protocol: P 0.977 / R 0.831 / F1 0.899, 26/29 studies,
#   0 invented (headers 人口 / 试用 / 设置 / 细胞 / 持续时间, a year in a 参考文献 column,
#   ``Lee等(2020)报告``, an acronym-named trial, 个案报告, ``每月1次共4次``). Now 0.996, 29/29.
# - blind4_studies.jsonl, d1-d3, same protocol but scored from the raw bytes (pinyin readings,
#   traditional script, chrome): P 0.919 / R 0.970 / F1 0.944, 19/19 studies, 4 invented (later
#   sentences citing ``[n]`` opened new studies, a ``[n]`` reference-list entry with a phase,
#   ``两组各 12 例`` in an intervention column, ``单用UDCA组`` / ``接受标准护理`` controls). Now 1.000.
#   Registrations (d3 listing): 8/8, every field right on the first run.
# blind5 (e1-e3, prose-heavy survey + meta-analysis news), first run: micro P 0.940 / R 0.963 /
# F1 0.952, study recall 1.000 (20/20), 2 invented; after the fixes F1 0.992, 0 invented.
SETS = [("studies.jsonl", 2), ("blind_studies.jsonl", 1), ("blind3_studies.jsonl", 1), ("blind4_studies.jsonl", 0),
        ("blind5_studies.jsonl", 0)]


@pytest.mark.parametrize(("gold_file", "max_invented"), SETS)
def test_heldout_set_score(gold_file, max_invented):
    """Thresholds sit a few points under the figures measured after the fixes."""
    score = score_files(HELDOUT.glob("*.txt"), HELDOUT / gold_file)
    print(f"\n{gold_file}\n" + score.format_report())
    assert score.study_recall >= 0.95
    assert score.micro.f1 >= 0.95
    assert score.micro.precision >= 0.95
    assert score.invented <= max_invented
    low = {name: round(fs.f1, 3) for name, fs in score.fields.items() if fs.f1 < 0.85}
    assert not low, f"fields below 0.85 F1 on {gold_file}: {low}"


def test_blind4_registrations_from_raw():
    """The d3 registry listing, read from the raw traditional bytes through cleaning."""
    import json
    import re

    gold = [json.loads(line) for line in (HELDOUT / "blind4_registrations.jsonl").read_text(encoding="utf-8").splitlines()]
    corpus = process_files([HELDOUT / "raw" / "d3_tw_pbc_registry.txt"])
    got = {r["nct_id"]: r for r in corpus.records("registrations")}
    assert len(got) == len(gold)
    for g in gold:
        r = got[g["nct_id"]]
        assert (r["status"], r["study_type"]) == (g["status"], g["study_type"])
        for key in ("title", "sponsor"):
            assert re.sub(r"\s+", "", r[key]) == re.sub(r"\s+", "", g[key])


# blind6 (f1-f2, messy web pages, scored from the raw bytes). f1: simplified HTML page saved as
# GB18030 (tags, entities, full-width digits/letters/punctuation, a numbered pipe table with an
# empty cell, navigation and footer); f2: traditional, UTF-16 with BOM, byte-shifted mojibake, a
# ``?`` for ™. First run: encodings detected (gb18030, utf_16); no tag or pinyin left; 5 damaged
# spans (the ``?`` for ™ not flagged); ``咨询热线：… 工作时间：…`` kept. Studies micro P 0.960 /
# R 0.985 / F1 0.972, 14/14, 1 invented (``未来需要…III期随机对照试验``); full-width ``（，`` in the
# count cell summed arm sizes into n_treatment; ``8周后重复注射1次`` read as 1 administration.
# After the fixes: F1 1.000, 0 invented, 6 damaged spans, the hotline line removed.
BLIND6 = {"f1_crohns_t1dm_web.txt": "gb18030", "f2_tw_cardiac_cirrhosis.txt": "utf_16"}


def test_blind6_web_pages_from_raw_bytes():
    from mscflow.clean.html import TAG_RE
    from mscflow.clean.pinyin import leftover_readings

    corpus = process_files(HELDOUT / "raw" / name for name in BLIND6)
    damaged = 0
    for name, encoding in BLIND6.items():
        assert corpus.raw[name].encoding == encoding
        doc = corpus.clean.documents[name].iloc[0]
        assert not TAG_RE.search(doc["clean_text"]) and not leftover_readings(doc["clean_text"])
        assert not any(w in doc["clean_text"] for w in ("ICP", "版权所有", "二维码", "400-", "首页", "免责声明"))
        damaged += int(doc["n_damaged_spans"])
    assert damaged >= 5
    score = score_studies(corpus.records("studies"), HELDOUT / "blind6_studies.jsonl")
    print("\nblind6\n" + score.format_report())
    assert score.study_recall >= 0.95
    assert score.micro.f1 >= 0.96 and score.micro.precision >= 0.96
    assert score.invented == 0


def test_eval_command_scores_a_folder_of_raw_pages(tmp_path):
    """``mscflow eval DOCS GOLD``: any annotated folder, scored on the assets' own path."""
    import json
    import shutil
    import subprocess
    import sys

    docs = tmp_path / "docs"
    docs.mkdir()
    for name in BLIND6:
        shutil.copy(HELDOUT / "raw" / name, docs / name)
    shutil.copy(HELDOUT / "blind6_studies.jsonl", tmp_path / "studies.jsonl")
    out = subprocess.run([sys.executable, "-m", "mscflow.cli", "eval", str(docs), str(tmp_path), "--json"],
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    figures = json.loads(out.stdout)
    expected = score_studies(process_files(sorted(docs.iterdir())).records("studies"), tmp_path / "studies.jsonl")
    assert figures["micro_f1"] == round(expected.micro.f1, 4) and figures["study_recall"] == 1.0


# web (g01-g10) and formats (p01-p08): the shapes real pages come in, scored from raw bytes.
# First runs (before issue 10): web F1 0.294 (3/11 studies), formats F1 0.637 (21/33); see NOTES.md.
# pages (r01-r30): thirty articles in the forms of real pages (abstract pages, news items, case
# reports, blogs, PDF-to-text, saved HTML, a recruitment notice), written blind; first run
# F1 0.792 (34/41 studies, 13 invented), see pages/NOTES.md.
# pages2 (s01-s30): Q&A pages, WeChat posts, review tables, author-year prose, English Methods,
# registry pages, written blind after the pages rules; first run F1 0.832 (51/56, 9 invented).
RAW_SETS = [("web", 0), ("formats", 1), ("pages", 0), ("pages2", 1)]


@pytest.mark.parametrize(("folder", "max_invented"), RAW_SETS)
def test_raw_shape_sets(folder, max_invented):
    """Thresholds sit a few points under the figures measured after the issue-10 rules."""
    from mscflow.eval import evaluate_folder

    studies, regs = evaluate_folder(HELDOUT / folder / "raw", HELDOUT / folder)
    print(f"\n{folder}\n" + studies.format_report() + ("\n" + regs.format_report() if regs else ""))
    assert studies.study_recall >= 0.95
    assert studies.micro.f1 >= 0.93 and studies.micro.precision >= 0.93
    assert studies.invented <= max_invented
    if (HELDOUT / folder / "registrations.jsonl").exists():  # a set with registry pages
        assert regs.found == regs.gold and regs.extra == 0
        assert all(right == regs.found for right in regs.fields_right.values())


@pytest.mark.parametrize("folder", ["web", "formats", "pages", "pages2"])
def test_raw_shape_gold_anchors_are_unique(folder):
    corpus = process_files(sorted((HELDOUT / folder / "raw").iterdir()))
    texts = {k: f.iloc[0]["clean_text"] for k, f in corpus.clean.documents.items()}
    for gold in load_gold(HELDOUT / folder / "studies.jsonl"):
        assert texts[gold["doc"]].count(gold["anchor"]) == 1, gold["anchor"]
