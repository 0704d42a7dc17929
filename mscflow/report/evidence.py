"""The evidence report: a picture of the evidence in one HTML page that opens offline.

Everything is inline: the charts are SVG drawn by matplotlib (``charts.py``, each drawn once per
content: ``drawn.py``), the style is a
``<style>`` block, and there is no script, font, image or stylesheet to fetch. Each chart has
its numbers in a table beneath it and links to the studies behind it (anchors into the page's
own table of studies, ``#study-<n>``). The figures are those of the published warehouse's marts
(human studies only, as the marts count them) and of ``core`` where a mart has no column for it.

    python -m mscflow.report [WAREHOUSE] [OUT.html]
"""

from __future__ import annotations

import html
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from mscflow.contracts import fact_fields
from mscflow.files import replace_file
from mscflow.parse.vocab import load_vocab

from .drawn import ChartCache

NOT_STATED = ("unspecified", "unstated")
CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI","Noto Sans CJK SC","WenQuanYi Micro Hei","Microsoft YaHei","PingFang SC",sans-serif;
  margin:0 auto;max-width:1100px;padding:1rem 1.5rem 4rem;color:#1d232b;line-height:1.45}
h1{margin-bottom:.2rem}h2{margin-top:2.5rem;border-bottom:2px solid #3b6ea8;padding-bottom:.2rem}
.lede{color:#555}.kpis{display:flex;flex-wrap:wrap;gap:.8rem;margin:1rem 0}
.kpi{background:#f2f5f9;border-radius:6px;padding:.5rem .9rem}.kpi b{display:block;font-size:1.4rem}
figure{margin:1rem 0}figure svg{max-width:100%;height:auto}
table{border-collapse:collapse;font-size:.85rem;margin:.5rem 0 1rem;width:100%}
th,td{border-bottom:1px solid #dde;padding:.2rem .45rem;text-align:left;vertical-align:top}
th{background:#f2f5f9}td.n{text-align:right;font-variant-numeric:tabular-nums}
tbody tr:target,tbody:target tr{background:#fff6d8}a{color:#2a5b93}
.note{color:#666;font-size:.85rem}.ev{max-width:28rem;color:#444}
nav a{margin-right:.8rem}
"""


@dataclass
class ReportResult:
    path: Path
    charts: int
    studies: int
    preview_png: bytes = b""
    charts_drawn: int = 0  # drawn by matplotlib in this run (the preview included)
    charts_reused: int = 0  # unchanged since the last report: kept SVG/PNG reused
    sections: list[str] = field(default_factory=list)


def _e(value: object) -> str:
    return "" if value is None else html.escape(str(value))


def _label(vocab: str, code: str | None) -> str:
    if code is None:
        return "not stated"
    try:
        return load_vocab(vocab).label(code)
    except KeyError:
        return code


def _fmt(value: object) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.3g}" if abs(value) >= 1e4 else f"{value:g}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def _table(headers: Sequence[str], rows: Sequence[Sequence[object]], numeric: Sequence[int] = (),
           raw: Sequence[int] = ()) -> str:
    """An HTML table; columns in ``raw`` hold ready HTML (links), the others are escaped."""
    head = "".join(f"<th>{_e(h)}</th>" for h in headers)
    body = []
    for row in rows:
        cells = []
        for i, v in enumerate(row):
            text = v if i in raw else _e(_fmt(v))
            cells.append(f'<td class="n">{text}</td>' if i in numeric else f"<td>{text}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body) or '<tr><td>(no rows)</td></tr>'}</tbody></table>"


class Studies:
    """The page's table of studies (marts.human_studies): number, anchor and link helpers."""

    def __init__(self, con: duckdb.DuckDBPyConnection):
        result = con.execute("SELECT * FROM marts.human_studies ORDER BY disease, year NULLS LAST, study_label, study_key")
        columns = [d[0] for d in result.description]
        self.rows = [dict(zip(columns, r, strict=True)) for r in result.fetchall()]
        self.number = {r["study_key"]: i + 1 for i, r in enumerate(self.rows)}
        self._indexes: dict[tuple[str, ...], dict[tuple, list[str]]] = {}

    def links(self, keys: Sequence[str], group: str | None = None, limit: int = 12) -> str:
        numbers = sorted(self.number[k] for k in keys if k in self.number)
        if group and len(numbers) > limit:
            return self.group_link(len(numbers), group)
        return " ".join(f'<a href="#study-{n}">#{n}</a>' for n in numbers)

    @staticmethod
    def group_link(count: int, group: str) -> str:
        """One link to the group of ``count`` studies (where listing each would be too many)."""
        return f'<a href="#{group}">{count} studies</a>'

    def keys_where(self, **match: object) -> list[str]:
        """Keys of the studies with these values, in page order (an index per set of fields:
        the report asks once per document, disease or year, a scan each time was N x M)."""
        fields = tuple(sorted(match))
        index = self._indexes.get(fields)
        if index is None:
            index = self._indexes[fields] = defaultdict(list)
            for r in self.rows:
                index[tuple(r.get(f) for f in fields)].append(r["study_key"])
        return list(index.get(tuple(match[f] for f in fields), ()))

    def html(self) -> str:
        headers = ["#", "study", "disease", "design", "cell source", "route", "patients", "dose (cells)",
                   "follow-up (months)", "year", "article", "evidence"]
        out = [f"<table id=\"studies\"><thead><tr>{''.join(f'<th>{h}</th>' for h in headers)}</tr></thead>"]
        groups: dict[str, list[dict]] = defaultdict(list)
        for r in self.rows:
            groups[r["disease"]].append(r)
        for disease, rows in groups.items():
            out.append(f'<tbody id="disease-{_e(disease)}">')
            out += [self._row(r) for r in rows]
            out.append("</tbody>")
        out.append("</table>")
        return "\n".join(out)

    def _row(self, r: dict) -> str:
        n = self.number[r["study_key"]]
        dose = _dose_text(r)
        label = _e(r["study_label"]) + ("" if r["label_source"] == "article" else
                                        f' <span class="note">({_e(r["label_source"])})</span>')
        cells = [f"<td class=\"n\">{n}</td>", f"<td>{label}</td>", f"<td>{_e(_label('disease', r['disease']))}</td>",
                 f"<td>{_e(_label('design', r['design']))}</td>", f"<td>{_e(_label('tissue_source', r['tissue_source']))}</td>",
                 f"<td>{_e(_label('route', r['route']))}</td>", f'<td class="n">{_e(_fmt(r["n_total"]))}</td>',
                 f"<td>{_e(dose)}</td>", f'<td class="n">{_e(_fmt(r["follow_up_months"]))}</td>',
                 f'<td class="n">{_e(r["year"] or "–")}</td>', f"<td>{_e(r['source_path'])}</td>",
                 f'<td class="ev" title="{_e(r["evidence_text"])}">{_e((r["evidence_text"] or "")[:110])}…</td>']
        return f'<tr id="study-{n}">' + "".join(cells) + "</tr>"


def _dose_text(r: dict) -> str:
    if r.get("dose_low") is None:
        return "–"
    low, high = r["dose_low"], r["dose_high"] or r["dose_low"]
    text = f"{low:.2g}" if low == high else f"{low:.2g}–{high:.2g}"
    return text + ("/kg" if r.get("dose_per_kg") else "")


# ---------------------------------------------------------------------------------------------
# sections: each returns (title, anchor, html, number of charts)


def _section_disease(draw: ChartCache, con: duckdb.DuckDBPyConnection, studies: Studies) -> tuple[str, str, str, int]:
    rows = con.execute("SELECT disease, n_distinct_studies, n_rct, n_patients, n_patients_treated, cell_sources, "
                       "median_follow_up_months FROM marts.evidence_by_disease "
                       "ORDER BY n_distinct_studies DESC, disease").fetchall()
    svg1 = draw.svg("studies_and_patients", [_label("disease", r[0]) for r in rows], [r[1] for r in rows], [r[3] for r in rows])
    sources = con.execute("SELECT disease, tissue_source, sum(n_distinct_studies) FROM marts.cell_source_by_disease "
                          "GROUP BY ALL").fetchall()
    diseases = [r[0] for r in rows]
    names = sorted({s for _, s, _ in sources})
    series = {_label("tissue_source", s): [sum(n for d2, s2, n in sources if d2 == d and s2 == s) for d in diseases]
              for s in names}
    svg2 = draw.svg("stacked_bars", [_label("disease", d) for d in diseases], series, "Distinct studies by cell source",
                               "distinct studies")
    table = _table(["disease", "distinct studies", "RCTs", "patients", "patients given cells", "cell sources",
                    "median follow-up (months)", "studies"],
                   [(_label("disease", r[0]), r[1], r[2], r[3], r[4], r[5], r[6],
                     studies.links(studies.keys_where(disease=r[0]), group=f"disease-{r[0]}")) for r in rows],
                   numeric=(1, 2, 3, 4, 6), raw=(7,))
    body = f"<figure>{svg1}</figure><figure>{svg2}</figure>{table}"
    return "Studies and patients by disease and cell source", "by-disease", body, 2


def _section_doses(draw: ChartCache, con: duckdb.DuckDBPyConnection, studies: Studies) -> tuple[str, str, str, int]:
    points = con.execute("SELECT COALESCE(route, 'unstated'), dose_low, COALESCE(dose_high, dose_low), dose_per_kg "
                         "FROM marts.human_studies WHERE dose_low IS NOT NULL AND dose_per_kg IS NOT NULL").fetchall()
    panels = {
        "Per kg body weight (cells/kg)": [(_label("route", r if r != "unstated" else None), lo, hi)
                                          for r, lo, hi, kg in points if kg],
        "Absolute (cells per administration)": [(_label("route", r if r != "unstated" else None), lo, hi)
                                                for r, lo, hi, kg in points if not kg],
    }
    svg = draw.svg("doses", panels)
    rows = con.execute("SELECT route, tissue_source, dose_unit, n_studies, min_dose, median_dose, max_dose "
                       "FROM marts.dose_by_route ORDER BY dose_unit, route, tissue_source").fetchall()

    with_dose: dict[tuple, list[str]] = defaultdict(list)  # one pass over the studies, not one per row below
    for r in studies.rows:
        if r["dose_low"] is not None:
            with_dose[(r["route"] or "unstated", r["tissue_source"], r["dose_per_kg"])].append(r["study_key"])

    def keys(route: str, source: str, unit: str) -> list[str]:
        return with_dose.get((route, source, {"cells_per_kg": True, "cells": False}.get(unit)), [])

    table = _table(["dose basis", "route", "cell source", "studies", "lowest", "median", "highest", "studies behind it"],
                   [(u.replace("_", " "), _label("route", r if r != "unstated" else None), _label("tissue_source", s),
                     n, lo, med, hi, studies.links(keys(r, s, u))) for r, s, u, n, lo, med, hi in rows],
                   numeric=(3, 4, 5, 6), raw=(7,))
    note = ('<p class="note">Doses in cells on a log scale; a dot is the (geometric) middle of a study\'s stated '
            "range, the line its lowest to highest dose. Per-kg and absolute doses are never mixed.</p>")
    return "Doses by route", "doses", f"<figure>{svg}</figure>{note}{table}", 1


def _section_time(draw: ChartCache, con: duckdb.DuckDBPyConnection, studies: Studies) -> tuple[str, str, str, int]:
    rows = con.execute("SELECT year, design, count(*) FROM marts.human_studies WHERE year IS NOT NULL "
                       "GROUP BY ALL ORDER BY year, design").fetchall()
    unknown = con.execute("SELECT count(*) FROM marts.human_studies WHERE year IS NULL").fetchone()[0]
    years = sorted({y for y, _, _ in rows})
    designs = sorted({d for _, d, _ in rows})
    series = {_label("design", d): [sum(n for y2, d2, n in rows if y2 == y and d2 == d) for y in years] for d in designs}
    svg = draw.svg("stacked_bars", [str(y) for y in years], series, "Studies by year reported and design", "studies",
                              horizontal=False)
    table = _table(["year", "design", "studies", "studies behind it"],
                   [(str(y), _label("design", d), n, studies.links(studies.keys_where(year=y, design=d)))
                    for y, d, n in rows], numeric=(2,), raw=(3,))
    note = f'<p class="note">{unknown} of {len(studies.rows)} studies state no year and are not drawn.</p>'
    return "Evidence over time", "over-time", f"<figure>{svg}</figure>{note}{table}", 1


def _section_safety(draw: ChartCache, con: duckdb.DuckDBPyConnection) -> tuple[str, str, str, int]:
    """Studies with a safety statement per cell source: a serious event reported, none stated,
    or events that were not serious (marts.safety_by_cell_source). No statements, no chart."""
    rows = con.execute("SELECT tissue_source, route, n_studies, n_patients_exposed, n_studies_serious, "
                       "n_studies_no_serious, events_by_kind FROM marts.safety_by_cell_source").fetchall()
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for source, _, n, _, serious, none, _ in rows:
        t = totals[_label("tissue_source", source)]
        t[0], t[1], t[2] = t[0] + serious, t[1] + none, t[2] + n - serious - none
    sources = sorted(totals, key=lambda k: (-sum(totals[k]), k))
    table = _table(["cell source", "route", "studies", "patients exposed", "serious event reported",
                    "no serious event stated", "events by kind (studies)"],
                   [(_label("tissue_source", r[0]), _label("route", r[1]) if r[1] != "unstated" else "unstated", *r[2:])
                    for r in rows], numeric=(2, 3, 4, 5))
    note = ('<p class="note">From core.adverse_events: every safety statement about treated patients, '
            '"none observed" included (n_patients 0).</p>')
    if not rows:
        return "Safety by cell source", "safety", f"{note}{table}", 0
    series = {"serious event reported": [totals[k][0] for k in sources],
              "no serious event stated": [totals[k][1] for k in sources],
              "other statements": [totals[k][2] for k in sources]}
    svg = draw.svg("stacked_bars", sources, series, "Studies with a safety statement, by cell source", "studies")
    return "Safety by cell source", "safety", f"<figure>{svg}</figure>{note}{table}", 1


def _section_registry(draw: ChartCache, con: duckdb.DuckDBPyConnection) -> tuple[str, str, str, int]:
    rows = con.execute("SELECT condition, status, n_registrations FROM marts.registry_by_condition").fetchall()
    totals: dict[str, int] = defaultdict(int)
    for c, _, n in rows:
        totals[c] += n
    conditions = sorted(totals, key=lambda c: (-totals[c], c))
    statuses = sorted({s for _, s, _ in rows})
    series = {s.replace("_", " "): [sum(n for c2, s2, n in rows if c2 == c and s2 == s) for c in conditions]
              for s in statuses}
    svg = draw.svg("stacked_bars", conditions, series, "Registered trials by condition and status", "registrations")
    regs = con.execute("SELECT nct_id, status, conditions, title FROM core.registrations ORDER BY nct_id").fetchall()
    by_condition: dict[tuple[str, str], list[str]] = defaultdict(list)
    for nct, status, conds, _ in regs:
        for c in (conds or "unstated").split(" "):
            by_condition[(c, status or "unstated")].append(nct)
    table = _table(["condition", "status", "registrations", "trials"],
                   [(c, s.replace("_", " "), n, " ".join(f'<a href="#reg-{x}">{x}</a>' for x in by_condition[(c, s)]))
                    for c, s, n in sorted(rows, key=lambda r: (conditions.index(r[0]), r[1]))],
                   numeric=(2,), raw=(3,))
    listing = "<details><summary>The registered trials</summary><table><thead><tr><th>NCT</th><th>status</th>" \
              "<th>conditions</th><th>title</th></tr></thead><tbody>" + "".join(
                  f'<tr id="reg-{_e(n)}"><td>{_e(n)}</td><td>{_e(s)}</td><td>{_e(c)}</td><td>{_e(t)}</td></tr>'
                  for n, s, c, t in regs) + "</tbody></table></details>"
    return "Registry status by condition", "registry", f"<figure>{svg}</figure>{table}{listing}", 1


def _section_completeness(draw: ChartCache, con: duckdb.DuckDBPyConnection, studies: Studies) -> tuple[str, str, str, int]:
    fields = [f for f in fact_fields() if f not in ("dose_high", "dose_per_kg")]  # one dose question, asked once
    n = len(studies.rows)
    stated = {f: sum(1 for r in studies.rows if r.get(f) is not None and r.get(f) not in NOT_STATED) for f in fields}
    order = sorted(fields, key=lambda f: stated[f] / n if n else 0)
    svg = draw.svg("shares", [f.replace("_", " ") for f in order], [stated[f] / n if n else 0 for f in order],
                        "Share of studies whose article states the field")
    limit = 15  # studies listed one by one; more are one link to the list

    def not_stating(f: str) -> str:
        if n - stated[f] > limit:  # counted above: no second pass over every study
            return studies.group_link(n - stated[f], "studies")
        return studies.links([r["study_key"] for r in studies.rows if r.get(f) is None or r.get(f) in NOT_STATED],
                             group="studies", limit=limit)

    table = _table(["field", "studies stating it", "of", "share", "studies not stating it"],
                   [(f, stated[f], n, f"{stated[f] / n:.0%}" if n else "–", not_stating(f)) for f in order],
                   numeric=(1, 2, 3), raw=(4,))
    note = ('<p class="note">What the articles fail to report, over the distinct studies in people. "Not stated" '
            "is a null, or <code>unspecified</code> for the cell source.</p>")
    return "Field completeness", "completeness", f"<figure>{svg}</figure>{note}{table}", 1


QUALITY_CHART_MAX = 40  # bars per panel: beyond it a chart is unreadable (and redrawn at every change)


def quality_chart_rows(rows: list[tuple], limit: int = QUALITY_CHART_MAX) -> tuple[list[tuple], str]:
    """The document-quality rows to chart, and the chart's title: every document of a small
    corpus; of a large one the ``limit`` with the most repairs and damaged spans (the table
    below the chart still lists every document)."""
    if len(rows) <= limit:
        return rows, "Document quality"
    worst = sorted(rows, key=lambda r: (-((r[2] or 0) + (r[3] or 0)), r[1]))[:limit]
    return worst, f"Document quality: the {limit} with the most repairs and damaged spans, of {len(rows):,}"


def _section_quality(draw: ChartCache, con: duckdb.DuckDBPyConnection, studies: Studies) -> tuple[str, str, str, int]:
    rows = con.execute("SELECT document_id, source_path, n_repairs, n_damaged_spans, n_tables, n_studies, "
                       "n_registrations, n_references, share_table_rows_with_study FROM marts.document_quality "
                       "ORDER BY source_path").fetchall()
    charted, title = quality_chart_rows(rows)
    svg = draw.svg("grouped", [r[1] for r in charted], {"repairs made": [r[2] for r in charted],
                   "damaged spans": [r[3] for r in charted], "studies extracted": [r[5] for r in charted]}, title)
    table = _table(["document", "repairs", "damaged spans", "tables", "studies", "registrations", "references",
                    "table rows with a study", "studies behind it"],
                   [(r[1], r[2], r[3], r[4], r[5], r[6], r[7], f"{r[8]:.0%}" if r[8] is not None else "–",
                     studies.links(studies.keys_where(document_id=r[0]), limit=15)) for r in rows],
                   numeric=(1, 2, 3, 4, 5, 6, 7), raw=(8,))
    return "Document quality", "quality", f"<figure>{svg}</figure>{table}", 1


def _kpis(con: duckdb.DuckDBPyConnection, studies: Studies) -> str:
    figures = {
        "studies in people": len(studies.rows),
        "patients (where stated)": sum(r["n_total"] or 0 for r in studies.rows),
        "diseases": len({r["disease"] for r in studies.rows}),
        "registered trials": con.execute("SELECT count(DISTINCT nct_id) FROM core.registrations").fetchone()[0],
        "documents": con.execute("SELECT count(*) FROM core.documents").fetchone()[0],
        "animal / in-vitro (left out)": con.execute(
            "SELECT count(DISTINCT cluster_id) FROM core.studies WHERE NOT is_human").fetchone()[0],
    }
    return '<div class="kpis">' + "".join(f'<div class="kpi"><b>{v:,}</b>{_e(k)}</div>' for k, v in figures.items()) + "</div>"


def render_report(warehouse: Path, draw: ChartCache | None = None) -> tuple[str, int, int, bytes]:
    """(HTML, number of charts, number of studies, preview PNG) for the warehouse at ``warehouse``;
    charts come through ``draw`` (default: drawn anew, nothing kept)."""
    draw = draw or ChartCache(None)
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        studies = Studies(con)
        sections = [_section_disease(draw, con, studies), _section_doses(draw, con, studies),
                    _section_time(draw, con, studies), _section_safety(draw, con), _section_registry(draw, con),
                    _section_completeness(draw, con, studies), _section_quality(draw, con, studies)]
        kpis = _kpis(con, studies)
        top = con.execute("SELECT disease, n_distinct_studies, n_patients FROM marts.evidence_by_disease "
                          "ORDER BY n_distinct_studies DESC, disease LIMIT 8").fetchall()
    finally:
        con.close()
    preview = draw.png("studies_and_patients", [_label("disease", r[0]) for r in top], [r[1] for r in top],
                         [r[2] for r in top])
    nav = "<nav>" + "".join(f'<a href="#{a}">{_e(t)}</a>' for t, a, _, _ in sections) + '<a href="#studies-list">Studies</a></nav>'
    body = "\n".join(f'<section id="{a}"><h2>{_e(t)}</h2>{h}</section>' for t, a, h, _ in sections)
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>MSC therapy evidence report</title><style>{CSS}</style></head>
<body><header><h1>MSC therapy: the evidence in the warehouse</h1>
<p class="lede">Clinical studies of mesenchymal stem cell therapy told in the source articles, as the published
warehouse holds them (<code>{_e(Path(warehouse).name)}</code>). Every figure counts distinct studies in people
(animal and in-vitro studies are left out); each chart's numbers are in the table beneath it, with links to the
studies behind them.</p>{kpis}{nav}</header>
{body}
<section id="studies-list"><h2>Studies</h2><p class="note">One row per distinct study in people
(<code>marts.human_studies</code>); "(institution)" or "(evidence)" marks a name read from the evidence where the
article's own label named no study.</p>{studies.html()}</section>
</body></html>
"""
    return page, sum(s[3] for s in sections), len(studies.rows), preview


CHART_CACHE = ".charts"  # beside the report: each chart's SVG by the key of what it shows


def write_report(warehouse: Path, target: Path, keep_charts: bool = True) -> ReportResult:
    """Render the report of ``warehouse`` into ``target`` (and ``<target>.png``, its preview),
    each written to a temporary name first and renamed into place. With ``keep_charts``, a chart
    whose numbers did not change since the last report is reused, not drawn again."""
    draw = ChartCache(target.parent / CHART_CACHE if keep_charts else None)
    page, n_charts, n_studies, preview = render_report(warehouse, draw)
    draw.prune()
    for path, data in ((target, page.encode("utf-8")), (target.with_suffix(".png"), preview)):
        replace_file(path, data)
    return ReportResult(path=target, charts=n_charts, studies=n_studies, preview_png=preview,
                        charts_drawn=draw.drawn, charts_reused=draw.reused)
