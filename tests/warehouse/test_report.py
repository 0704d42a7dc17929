"""The evidence report: one self-contained page, checked in real headless Chromium (driven over
the DevTools protocol): every chart drawn, not one network request, a screenshot kept."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mscflow.report import write_report
from mscflow.settings import Settings
from mscflow.warehouse.build import build
from mscflow.warehouse.publish import publish

SECTIONS = ("by-disease", "doses", "over-time", "safety", "registry", "completeness", "quality")


@pytest.fixture
def report(wh_settings: Settings) -> Path:
    publish(build(wh_settings).path, wh_settings.warehouse_path)
    return write_report(wh_settings.warehouse_path, wh_settings.report_path).path


def test_the_page_is_self_contained(report: Path):
    page = report.read_text(encoding="utf-8")
    # a link within the page, or an image inlined as a data: URI (a dense chart's dots), only
    assert not re.search(r'(?:src|href)\s*=\s*"(?!#|data:)', page), "the page refers to another file"
    assert "<script" not in page and "@import" not in page and not re.search(r"url\((?!#)", page)
    assert page.count("<svg") == 7
    for anchor in SECTIONS:
        assert f'<section id="{anchor}">' in page
    # every chart has its numbers beneath it, and links back to the studies table
    assert page.count("<table>") >= len(SECTIONS) and 'id="studies"' in page
    links = set(re.findall(r'href="#(study-\d+|disease-[\w]+)"', page))
    ids = set(re.findall(r'id="(study-\d+|disease-[\w]+)"', page))
    assert links and links <= ids
    assert report.with_suffix(".png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


DRAWN = """JSON.stringify({
  charts: Array.from(document.querySelectorAll('figure svg')).map(s => {
    const r = s.getBoundingClientRect();
    return {w: r.width, h: r.height, shapes: s.querySelectorAll('path, rect, use').length};
  }),
  resources: performance.getEntriesByType('resource').map(e => e.name),
  title: document.title
})"""


def test_the_report_opens_offline_in_headless_chromium(report: Path, tmp_path: Path):
    from browser import visit

    seen_page = visit(report, DRAWN, tmp_path / "evidence_report.png")
    seen = seen_page.value
    fetched = [r for r in seen_page.requests if not r.startswith("data:")]  # inlined images are no request
    assert fetched == [report.as_uri()], f"network requests besides the page itself: {fetched}"
    assert seen_page.failed == [] and seen["resources"] == []
    assert seen["title"] == "MSC therapy evidence report"
    assert len(seen["charts"]) == 7
    for chart in seen["charts"]:  # every chart is laid out and has drawn marks
        assert chart["w"] > 300 and chart["h"] > 100 and chart["shapes"] > 5, chart
    assert (tmp_path / "evidence_report.png").stat().st_size > 20_000


DOCS_SEEN = """JSON.stringify({
  images: Array.from(document.images).map(i => ({src: i.src, ok: i.complete && i.naturalWidth > 0})),
  icons: Array.from(document.querySelectorAll('i.fas')).map(i => getComputedStyle(i, '::before').content),
  font: getComputedStyle(document.body).fontFamily,
  text: document.body.innerText
})"""


def test_data_docs_are_styled_offline_with_no_broken_image(wh_settings: Settings, tmp_path: Path):
    from browser import visit

    from mscflow.warehouse.gate import run_gate

    index = run_gate(build(wh_settings).path, wh_settings.quality_dir).data_docs_index
    page = next((wh_settings.quality_dir / "validations").rglob("*.html"))
    seen = {}
    for name, target in (("index", index), ("validation", page)):
        seen[name] = visit(target, DOCS_SEEN, tmp_path / f"data_docs_{name}.png")
        outside = [u for u in seen[name].requests if not u.startswith(wh_settings.quality_dir.as_uri())]
        assert outside == [], f"{name}: requests outside the Data Docs folder: {outside}"
        assert seen[name].failed == [], f"{name}: failed loads: {seen[name].failed}"
        images = seen[name].value["images"]
        assert images and all(i["ok"] for i in images), f"{name}: broken image: {images}"  # the logo is local
        assert "HKGrotesk" in seen[name].value["font"]  # GX's own font, from the site's static folder
    assert re.search(r"\b(Success|Failed)\b", seen["index"].value["text"])  # the index table is rendered
    icons = seen["validation"].value["icons"]  # the Status column's icons draw (no icon font needed)
    assert icons and all(c not in ("none", "normal", "") for c in icons), icons
    text = seen["validation"].value["text"]
    assert "Data asset: None" not in text and re.search(r"Data asset: (core|marts)\.", text)


def test_unchanged_charts_are_reused_and_the_page_is_the_same(report: Path, wh_settings: Settings):
    """A second report of the same warehouse draws nothing (matplotlib's seconds are skipped)
    and writes the same bytes; a chart whose numbers change is drawn again."""
    from mscflow.report.drawn import ChartCache

    first = report.read_bytes()
    again = write_report(wh_settings.warehouse_path, wh_settings.report_path)
    assert again.charts_drawn == 0 and again.charts_reused > 0
    assert again.path.read_bytes() == first
    cache = ChartCache(report.parent / "other")
    one = cache.svg("shares", ["dose"], [0.5], "Share")
    assert cache.svg("shares", ["dose"], [0.5], "Share") == one and (cache.drawn, cache.reused) == (1, 1)
    assert cache.svg("shares", ["dose"], [0.75], "Share") != one and cache.drawn == 2


def test_document_quality_chart_keeps_a_large_corpus_readable():
    from mscflow.report.evidence import quality_chart_rows

    small = [(f"d{i}", f"doc{i}.txt", i, 0, 1, 1, 0, 0, None) for i in range(5)]
    assert quality_chart_rows(small) == (small, "Document quality")
    large = [(f"d{i}", f"doc{i:04d}.txt", i % 7, i % 3, 1, 1, 0, 0, None) for i in range(1000)]
    charted, title = quality_chart_rows(large, limit=40)
    assert len(charted) == 40 and "of 1,000" in title
    worst = min((r[2] or 0) + (r[3] or 0) for r in charted)
    assert all((r[2] or 0) + (r[3] or 0) <= worst for r in large if r not in charted)
