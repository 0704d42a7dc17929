"""Studies: one record per clinical study an article describes, from table rows and prose.

Every record carries its evidence (the row or the sentences), the span into the clean text,
and the fields of gold/SCHEMA.md. A study told both in a table row and in prose keeps both
records under one ``cluster_id`` so marts can count it once; the same passage printed twice
is kept once, and a short later mention that only adds detail to an earlier study of the
same disease and route (no count, no dose, no other reference) is folded into it.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from collections.abc import Sequence

from ..contracts import contract, fact_fields
from ..parse.numbers import leading_int
from ..parse.shape import document_shape
from ..parse.tables import PipeTable, TableRow
from . import fields
from .document_study import (
    DocumentStudy,
    document_counts,
    document_year,
    find_document_study,
    published_year,
    whole_document_texts,
)
from .negatives import candidate_refusal
from .prose import ProseStudy, find_prose_studies
from .references import reference_spans

IDENTITY_ROLES = {"study", "recipients", "reference"}
COUNT_ROLES = {"patients", "patient_count"}
CLINICAL_ROLES = {"cell_source", "transplant", "design", "study_type", "follow_up", "intervention", "results"}
REGISTRY_ROLES = {"nct_number"}
_MARKER = re.compile(r"\[\d{1,3}\]|【\d{1,3}】")
# Full-width ASCII punctuation (，（）：；！？～ …, U+FF01-FF5E), which simplified web pages use
# throughout, read as its half-width form. Cleaning keeps it as written; the field rules are
# written against half-width punctuation. One character for one, so every offset still holds.
_PUNCT_FOLD = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}


def fold_punctuation(text: str) -> str:
    return text.translate(_PUNCT_FOLD)


def _fold_table(t: PipeTable) -> PipeTable:
    rows = tuple(dataclasses.replace(r, cells=tuple(fold_punctuation(c) for c in r.cells)) for r in t.rows)
    return dataclasses.replace(
        t, caption=fold_punctuation(t.caption) if t.caption else t.caption,
        header=tuple(fold_punctuation(h) for h in t.header), rows=rows,
    )


def study_id(document_id: str, kind: str, start: int, end: int) -> str:
    """Content-derived id: reruns give the same id for the same span."""
    return hashlib.sha256(f"{document_id}|{kind}|{start}|{end}".encode()).hexdigest()[:16]


def _record(document_id: str, kind: str, label: str, text: str, start: int, end: int, **values) -> dict:
    sid = study_id(document_id, kind, start, end)
    rec = contract("studies").empty_record()
    rec.update(study_id=sid, document_id=document_id, kind=kind, label=label,
               evidence_text=text[start:end].strip(), char_start=start, char_end=end, cluster_id=sid)
    rec.update(values)
    return rec


def _common_fields(text: str, ctx: fields.DocContext, *, primary_design: str | None = None,
                   default_design: str = "single_arm", route_fallback: str | None = None,
                   pooled: bool = False, donor_text: str | None = None, tissue_text: str | None = None) -> dict:
    c = fields.counts(text)
    d = fields.dose(text)
    cell = fields.cell_type(text)
    return {
        "disease": fields.disease(text, ctx),
        "design": fields.design(text, primary_design, default_design, c.n_total, controlled=c.n_control is not None),
        "phase": fields.phase(text),
        "n_total": c.n_total,
        "n_treatment": c.n_treatment,
        "n_control": c.n_control,
        "cell_type": cell,
        "tissue_source": fields.tissue_source(tissue_text or text, cell, pooled),
        "donor": (fields.donor(donor_text) if donor_text else None) or fields.donor(text),
        "route": fields.route(text, route_fallback),
        "dose_low": d.low,
        "dose_high": d.high,
        "dose_per_kg": d.per_kg,
        "n_administrations": fields.administrations(text),
        "follow_up_months": fields.follow_up(text),
    }


# --- table rows ---------------------------------------------------------------------------------

# a row label that names an arm of one study or a test statistic, not a study
_ARM_OR_STATISTIC = re.compile(r"(?:组|組|group|arm)\s*$|^\s*(?:[Ptfz]|t/χ2|χ2|χ²|F|Z)\s*值|^\s*P\s*$|^\s*(?:合计|合計|总计|總計)", re.I)


def _is_arm_table(table: PipeTable) -> bool:
    """A study's own baseline or results table: its rows are the arms (治疗组, 对照组) and the
    test statistics (t值, P值), not studies."""
    labels = [row.cells[0] for row in table.rows if row.cells and row.cells[0].strip()]
    return bool(labels) and sum(bool(_ARM_OR_STATISTIC.search(c)) for c in labels) / len(labels) >= 0.6


def _is_study_table(table: PipeTable) -> bool:
    """A table whose rows are studies: it names them (a study, reference or recipients column),
    or it counts patients beside something clinical (a cell source, a transplant, a design, a
    follow-up, an intervention). A matrix of numbers with one count-like column is not."""
    roles = set(table.roles)
    if roles & REGISTRY_ROLES or _is_arm_table(table):
        return False
    if roles & IDENTITY_ROLES:
        return True
    return bool(roles & COUNT_ROLES) and bool(roles & CLINICAL_ROLES)


def _cells_by_role(table: PipeTable, row: TableRow) -> dict[str, str]:
    out: dict[str, str] = {}
    for role, cell in zip(table.roles, row.cells, strict=False):
        if cell and cell.strip():
            out[role] = (out.get(role, "") + " " + cell.strip()).strip()
    return out


_BARE_YEAR = re.compile(r"(?<!\d)(19[5-9]\d|20[0-3]\d)(?!\d)")


def _bare_year(study_cell: str) -> int | None:
    """The year of an author cell written without 年: ``Hare JM(2012)``, ``Smith, 2019``."""
    m = _BARE_YEAR.search(study_cell)
    return int(m.group(1)) if m else None


def _joined(by_role: dict[str, str], roles: tuple[str, ...]) -> str:
    return " ".join(by_role.get(r, "") for r in roles).strip()


def _both_arms(by_role: dict[str, str], count_cell: str) -> fields.Counts | None:
    """Arm sizes from the count cell, else an "Arms" column (machine-translated 手臂), else the
    intervention column (``…与 PRP 注射对照,两组各 12 例``); only a cell that states both arms."""
    arms = fields.cell_arms(count_cell) or fields.counts(count_cell)
    for role in ("design", "intervention"):
        if (arms.n_treatment is None or arms.n_control is None) and by_role.get(role):
            arms = fields.counts(by_role[role])
    if arms.n_treatment is not None and arms.n_control is not None:
        return arms
    return None


def _row_counts(by_role: dict[str, str]) -> dict:
    """The total is the number the count cell starts with; arm sizes only when a cell states both
    (``24(MSC组12例,对照组12例)``), and then they also give a total the count cell lacks."""
    count_cell = by_role.get("patients") or by_role.get("patient_count") or ""
    n_total = leading_int(count_cell)
    arms = _both_arms(by_role, count_cell)
    if arms is None:
        return {"n_total": n_total, "n_treatment": None, "n_control": None}
    return {"n_total": n_total or arms.n_total, "n_treatment": arms.n_treatment, "n_control": arms.n_control}


def _row_product(by_role: dict[str, str], stated: str) -> dict:
    """Cell type and tissue from the columns that describe the product, when the row has any."""
    product = _joined(by_role, ("intervention", "cell_source", "transplant", "design", "study_type"))
    if not product:
        return {}
    cell = fields.cell_type(product)
    return {"cell_type": cell, "tissue_source": fields.tissue_source(by_role.get("cell_source") or stated, cell)}


def _row_cells(table: PipeTable, row: TableRow, roles: tuple[str, ...]) -> list[str]:
    """The row's cells of these roles, each on its own (a Route and a Dose column share a role)."""
    return [cell for role, cell in zip(table.roles, row.cells, strict=False) if role in roles and cell and cell.strip()]


def _row_label(by_role: dict[str, str], citation: str, marker: re.Match | None) -> str:
    """The study cell; else a citation that is more than a bare marker; else recipients and marker."""
    return by_role.get("study") or ("" if _MARKER.fullmatch(citation.strip()) else citation) or " ".join(
        x for x in (by_role.get("recipients"), marker.group() if marker else by_role.get("reference")) if x
    )


def _row_record(document_id: str, text: str, table: PipeTable, row: TableRow, ctx: fields.DocContext) -> dict:
    by_role = _cells_by_role(table, row)
    stated = " | ".join(c for r, c in by_role.items() if r != "limitations")  # limitations speak of future work
    primary = _joined(by_role, ("design", "study_type")) or None
    values = _common_fields(
        stated, ctx, primary_design=primary,
        donor_text=_joined(by_role, ("intervention", "cell_source", "transplant")) or None,
        tissue_text=by_role.get("cell_source"),
    )
    values.update(_row_counts(by_role))
    values.update(_row_product(by_role, stated))
    values["design"] = fields.design(stated, primary, "single_arm", values["n_total"])
    values["follow_up_months"] = fields.follow_up(" | ".join(by_role.values()))
    if values["route"] is None:  # a route column of abbreviations (PV, HA, IT)
        values["route"] = next((r for r in map(fields.route_of_cell, _row_cells(table, row, ("transplant", "intervention"))) if r), None)
    if by_role.get("administrations"):
        values["n_administrations"] = fields.administrations_of_cell(by_role["administrations"])
    elif values["n_administrations"] is None:  # a dose column that says how many times
        values["n_administrations"] = next(
            (n for n in map(fields.administrations_in_dose_cell, _row_cells(table, row, ("transplant",))) if n), None)
    # a 参考文献 (References) column that holds the citation itself (``Connick P 等(2012)``) names
    # the study when no study column does; a bare marker (``【045】``) gives no year
    citation = by_role.get("study") or by_role.get("reference", "")
    values["year"] = fields.year(citation) or _bare_year(citation) or _bare_year(by_role.get("year", ""))
    marker = _MARKER.search(text[row.char_start : row.char_end])
    label = _row_label(by_role, citation, marker)
    rec = _record(document_id, "table_row", label or f"table {table.index} row {row.index}", text,
                  row.char_start, row.char_end, **values)
    rec.update(table_index=table.index, row_index=row.index, reference_marker=marker.group() if marker else None)
    return rec


# --- prose --------------------------------------------------------------------------------------

def _prose_record(document_id: str, text: str, study: ProseStudy, ctx: fields.DocContext) -> dict:
    evidence = text[study.start : study.end]
    if study.anchor_kind == "dose" and study.focus:
        clause = text[study.focus[0] : study.focus[1]]
        sentence = text[study.context[0] : study.context[1]] if study.context else evidence
        sentence_route = fields.route(sentence) or study.route_hint
        values = _common_fields(clause, ctx, default_design="other", route_fallback=None)
        values["route"] = fields.route(clause) or sentence_route
        if not fields.disease_codes(clause, ctx):
            values["disease"] = fields.disease(sentence, ctx)
        values["year"] = None
    else:
        review = study.anchor_kind == "review"
        values = _common_fields(evidence, ctx, default_design="other" if review else "single_arm",
                                pooled=review)
        if values["route"] is None:
            values["route"] = study.route_hint
        if study.disease_hint and not fields.disease_codes(evidence, ctx):
            values["disease"] = study.disease_hint  # the section's disease, not the article's
        if review:
            values["n_administrations"] = None
        values["year"] = (study.year_hint or published_year(evidence)) if study.anchor_kind != "heading" \
            else fields.year(evidence)
    rec = _record(document_id, "prose", study.label, text, study.start, study.end, **values)
    rec["reference_marker"] = study.reference_marker
    return rec


def _strip_markers(s: str) -> str:
    return re.sub(r"\s+", "", _MARKER.sub("", s))


def _dedupe(records: list[dict]) -> list[dict]:
    """The same passage printed twice is one study: keep the copy with a reference marker."""
    best: dict[str, dict] = {}
    order: list[str] = []
    for r in records:
        key = _strip_markers(r["evidence_text"])
        if key not in best:
            best[key] = r
            order.append(key)
        elif r["reference_marker"] and not best[key]["reference_marker"]:
            best[key] = r
    return [best[k] for k in order]


def _cites_earlier_study(kept: list[dict], r: dict) -> bool:
    """A prose mention without a dose that cites the reference an earlier prose study of the same
    disease cited (``在 Wang 等[11]的研究中,治疗组有4例…``) is that study again."""
    if not (r["kind"] == "prose" and r["reference_marker"] and r["dose_low"] is None):
        return False
    return any(k["kind"] == "prose" and k["reference_marker"] == r["reference_marker"] and k["disease"] == r["disease"]
               for k in kept)


def _detailed_study(kept: list[dict], r: dict) -> dict | None:
    """For a prose mention with a route and a disease but no count, dose or marker: the latest
    earlier study of that disease and route, which it only adds detail to."""
    if not (r["n_total"] is None and r["dose_low"] is None and r["route"] and r["disease"] != "other"
            and r["reference_marker"] is None and r["kind"] == "prose"):
        return None
    return next((k for k in reversed(kept)
                 if k["disease"] == r["disease"] and k["route"] == r["route"]
                 and not (k["reference_marker"] and r["reference_marker"]
                          and k["reference_marker"] != r["reference_marker"])), None)


def _fill_missing(target: dict, r: dict) -> None:
    """The fact fields ``target`` lacks (an ``unspecified`` tissue counts as lacking), from ``r``."""
    for name in fact_fields():
        if target[name] is None or (name == "tissue_source" and target[name] == "unspecified"):
            target[name] = r[name]


def _fold(records: list[dict]) -> list[dict]:
    """Fold a later detail-only mention into an earlier prose study of the same disease and route,
    and a later mention that cites the same reference for the same disease without a dose into
    the study that reference opened."""
    kept: list[dict] = []
    for r in records:
        if _cites_earlier_study(kept, r):
            continue  # the earlier record is the study; the repeat adds no stated figure of its own
        target = _detailed_study(kept, r)
        if target is None:
            kept.append(r)
        else:
            _fill_missing(target, r)
    return kept


_FIRST_SENTENCE = re.compile(r"[^。!?！？]*[。!?！？]?")


def _refused(text: str, record: dict) -> bool:
    """A prose candidate whose opening sentence is a plan, animal work, a population's statistics
    or a trial's eligibility criteria (``negatives.candidate_refusal``)."""
    passage = text[int(record["char_start"]) : int(record["char_end"])]
    opening = _FIRST_SENTENCE.match(passage).group()
    return candidate_refusal(opening, passage) is not None


def _study_text_fields(study_text: str, product_text: str, ctx: fields.DocContext) -> dict:
    """Fields from a document's study sentences, the cells as the sentences that give them say."""
    values = _common_fields(study_text, ctx)
    if product_text.count("。") >= 1:
        product = _common_fields(product_text, ctx)
        values.update({k: product[k] for k in contract("studies").columns_about("product") if product[k] is not None})
        if product["tissue_source"] not in ("unspecified", "mixed"):
            values["tissue_source"] = product["tissue_source"]
    return values


def _document_record(document_id: str, text: str, study: DocumentStudy, ctx: fields.DocContext) -> dict:
    """The document's own study: fields from its study sentences, counts from its enrolment."""
    values = _study_text_fields(study.study_text, study.product_text, ctx)
    c = document_counts(study.count_text)
    values.update(n_total=c.n_total, n_treatment=c.n_treatment, n_control=c.n_control)
    values["design"] = fields.design(study.study_text, None, "single_arm", c.n_total, controlled=c.n_control is not None)
    values["year"] = document_year(study.study_text, text)
    return _record(document_id, "document", study.label, text, study.start, study.end, **values)


def _with_document_study(document_id: str, text: str, masked: list[tuple[int, int]], told: list[tuple[int, int]],
                         rows: list[dict], prose: list[dict], ctx: fields.DocContext) -> list[dict]:
    """Add the document's own study when enrolment sentences belong to no study found so far
    (``told``: every span a table row or a prose candidate covers); the fragments it explains
    (a headline, a lead without figures) fold into it."""
    study = find_document_study(text, masked, rows + prose, told)
    if study is None:
        return prose
    kept = [p for p in prose if p not in study.absorbed]
    record = _document_record(document_id, text, study, ctx)
    same = next((p for p in kept if p["n_total"] is not None and p["n_total"] == record["n_total"]), None)
    if same is not None:  # the document tells a study found already, again: one study, more facts
        _fill_missing(same, record)
        return kept
    return [*kept, record]


def _states_figures(r: dict) -> bool:
    """Who was treated or with what: a study's own head count or dose."""
    return any(r[name] is not None for name in ("n_total", "dose_low"))


_COUNT_FIELDS = ("n_total", "n_treatment", "n_control")


def _one_study_document(text: str, prose: list[dict], masked: list[tuple[int, int]], ctx: fields.DocContext) -> list[dict]:
    """A document of one study (an abstract page, a news item) whose headline, title, own citation
    line (``引用本文: …II期试验[J]``) or introduction (``本研究进一步观察其3年…``) named the trial
    again: those mentions without a head count or dose are the one study, and its year is the
    document's when its own sentences give none."""
    if document_shape(text)[0] != "single_study":
        return prose
    with_figures = [p for p in prose if _states_figures(p)]
    if len(with_figures) != 1:
        return prose
    [study] = with_figures
    for p in prose:
        if p is not study:
            _fill_missing(study, p)
    if study["kind"] == "prose":  # facts told outside the passage that named it (the cells, the follow-up)
        whole = _study_text_fields(*whole_document_texts(text, masked), ctx)
        _fill_missing(study, {k: (None if k in _COUNT_FIELDS else v) for k, v in whole.items()} | {"year": None})
    if study["year"] is None:
        study["year"] = document_year(study["evidence_text"], text)
    return [study]


_TRIAL_NAME = re.compile(r"(?<![A-Za-z0-9])[A-Z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*(?![A-Za-z0-9])")


def _row_named_by(rows: list[dict], r: dict) -> dict | None:
    """The one table row whose study is the trial a figure-less note names (``1. POSEIDON为I/II期
    随机试验…`` under a table listing POSEIDON)."""
    if r["n_total"] is not None or r["dose_low"] is not None:
        return None
    names = [row for row in rows if _TRIAL_NAME.fullmatch(str(row["label"]).strip() or "-")
             and len(str(row["label"]).strip()) >= 4 and str(row["label"]).strip() in r["evidence_text"]]
    return names[0] if len(names) == 1 else None


def _fold_phase_mentions(text: str, prose: list[dict]) -> list[dict]:
    """Outside a review, a mention without a head count or dose that names a phase (a headline,
    a press release's lead: ``…III期临床试验达到主要终点``) is the one study of that phase and
    disease that states figures, when there is exactly one (a review names studies of its own)."""
    if document_shape(text)[0] == "review":
        return prose
    kept = []
    for p in prose:
        same = [q for q in prose if q is not p and _states_figures(q) and q["phase"] == p["phase"]
                and q["disease"] == p["disease"]]
        if _states_figures(p) or p["phase"] is None or len(same) != 1:
            kept.append(p)
            continue
        _fill_missing(same[0], p)
    return kept


def _notes_on_rows(rows: list[dict], prose: list[dict]) -> list[dict]:
    """A note below a table on one of its trials is that trial: its phase and design go to the
    row (a design said beats the row's default), the note is no study of its own."""
    kept = []
    for p in prose:
        row = _row_named_by(rows, p)
        if row is None:
            kept.append(p)
            continue
        _fill_missing(row, p)
        if row["design"] == "single_arm" and p["design"] != "single_arm":
            row["design"] = p["design"]
    return kept


def _link_clusters(rows: list[dict], prose: list[dict]) -> None:
    """A prose study and a table row with the same disease and patient count are one study."""
    for p in prose:
        if p["n_total"] is None:
            continue
        for r in rows:
            if r["n_total"] == p["n_total"] and r["disease"] == p["disease"] and r["cluster_id"] == r["study_id"]:
                r["cluster_id"] = p["cluster_id"]


def extract_studies(document_id: str, text: str, tables: Sequence[PipeTable]) -> list[dict]:
    """Every study of one article (clean text and its tables) as records, in text order."""
    text = fold_punctuation(text)
    tables = [_fold_table(t) for t in tables]
    ctx = fields.document_context(text)
    rows = [
        _row_record(document_id, text, t, row, ctx)
        for t in tables if _is_study_table(t)
        for row in t.rows
    ]
    masked = [(t.char_start, t.char_end) for t in tables]
    masked += reference_spans(text)
    if document_shape(text)[0] == "registry":  # a registry's entry or listing: its trials are registrations
        return _in_contract_order(rows)
    prose = [_prose_record(document_id, text, s, ctx) for s in find_prose_studies(text, masked)]
    told = [(int(r["char_start"]), int(r["char_end"])) for r in rows + prose]  # incl. repeats folded below
    prose = _fold(_dedupe([p for p in prose if not _refused(text, p)]))
    prose = _with_document_study(document_id, text, masked, told, rows, prose, ctx)
    if not rows:
        prose = _one_study_document(text, prose, masked, ctx)
    prose = _notes_on_rows(rows, _fold_phase_mentions(text, prose))
    _link_clusters(rows, prose)
    return _in_contract_order(rows + prose)


def _in_contract_order(records: list[dict]) -> list[dict]:
    """Records in text order, with the contract's columns, follow-up to two decimals."""
    out = sorted(records, key=lambda r: (r["char_start"], r["char_end"]))
    for r in out:
        if r["follow_up_months"] is not None:
            r["follow_up_months"] = round(float(r["follow_up_months"]), 2)
    keys = contract("studies").columns
    return [{k: r.get(k) for k in keys} for r in out]
