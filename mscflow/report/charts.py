"""Charts as inline SVG (matplotlib, Agg): no JavaScript, no fonts or files to fetch.

Text stays text in the SVG (``svg.fonttype = none``) so the browser draws it with the page's
font stack (Chinese condition names included) and a reader can select and search it."""

from __future__ import annotations

import io
import logging
import warnings
from collections.abc import Sequence

import matplotlib

matplotlib.use("Agg")
logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)
# CJK labels are measured with DejaVu's metrics and drawn by the browser's CJK font
warnings.filterwarnings("ignore", message=r"Glyph \d+ .* missing from font", category=UserWarning)

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.collections import LineCollection  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

PALETTE = ["#3b6ea8", "#e08a2c", "#4c9a5b", "#c4453c", "#8464a8", "#8c6d57", "#d27bb5", "#7f7f7f",
           "#b5b83a", "#3bb1c1", "#1f3d5c", "#a0522d"]
STYLE = {
    "svg.fonttype": "none",
    "svg.hashsalt": "mscflow",  # stable ids: the same data draws the same SVG
    "font.family": ["DejaVu Sans", "sans-serif"],  # metrics only: the browser picks CJK glyphs itself
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 10,
    "axes.titleweight": "bold",
}


RASTER_DPI = 150  # the dots and ranges of a dense chart, embedded in its SVG as an image at this resolution


def _svg(fig: Figure, title: str) -> str:
    buf = io.StringIO()
    fig.savefig(buf, format="svg", dpi=RASTER_DPI, bbox_inches="tight", metadata={"Date": None, "Title": title})
    plt.close(fig)
    text = buf.getvalue()
    return text[text.index("<svg"):]  # inline: no XML prolog or DOCTYPE


def png(fig_svg_maker, *args, dpi: int = 60) -> bytes:
    """A small PNG of a chart (the Dagster UI's preview)."""
    with plt.rc_context(STYLE):
        fig = fig_svg_maker(*args, as_figure=True)
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight", metadata={"Software": None})
        plt.close(fig)
    return buf.getvalue()


def _empty(ax, what: str) -> None:
    ax.text(0.5, 0.5, f"no {what} in the warehouse yet", ha="center", va="center", transform=ax.transAxes)
    ax.set_xticks([])
    ax.set_yticks([])


def studies_and_patients(diseases: Sequence[str], studies: Sequence[int], patients: Sequence[int | None],
                         as_figure: bool = False):
    """Two bar panels side by side, diseases sorted by studies: distinct studies, patients."""
    with plt.rc_context(STYLE):
        height = max(2.2, 0.24 * len(diseases) + 0.8)
        fig, (left, right) = plt.subplots(1, 2, figsize=(9, height), sharey=True)
        if not diseases:
            _empty(left, "studies")
            _empty(right, "patients")
        else:
            y = range(len(diseases))
            left.barh(y, studies, color=PALETTE[0])
            left.set_yticks(list(y), labels=list(diseases))
            left.invert_yaxis()
            left.set_title("Distinct studies")
            right.barh(y, [p or 0 for p in patients], color=PALETTE[1])
            right.set_title("Patients enrolled (where stated)")
            for ax, values in ((left, studies), (right, patients)):
                for i, v in enumerate(values):
                    if v:
                        ax.annotate(f"{v:,}", (v, i), xytext=(3, 0), textcoords="offset points", va="center", fontsize=7)
        fig.tight_layout()
        return fig if as_figure else _svg(fig, "Studies and patients by disease")


def stacked_bars(categories: Sequence[str], series: dict[str, Sequence[int]], title: str, xlabel: str,
                 horizontal: bool = True, as_figure: bool = False):
    """Counts per category, stacked by series (cell source, design, status)."""
    with plt.rc_context(STYLE):
        n = len(categories)
        size = (9, max(2.2, 0.26 * n + 1.0)) if horizontal else (9, 3.4)
        fig, ax = plt.subplots(figsize=size)
        if not categories:
            _empty(ax, "rows")
        else:
            base = [0] * n
            positions = list(range(n))
            for i, (name, values) in enumerate(series.items()):
                color = PALETTE[i % len(PALETTE)]
                if horizontal:
                    ax.barh(positions, values, left=base, color=color, label=name)
                else:
                    ax.bar(positions, values, bottom=base, color=color, label=name)
                base = [b + v for b, v in zip(base, values, strict=True)]
            (ax.xaxis if horizontal else ax.yaxis).set_major_locator(MaxNLocator(integer=True))
            if horizontal:
                ax.set_yticks(positions, labels=list(categories))
                ax.invert_yaxis()
                ax.set_xlabel(xlabel)
            else:
                ax.set_xticks(positions, labels=list(categories), rotation=60, ha="right")
                ax.set_ylabel(xlabel)
            ax.legend(fontsize=7, frameon=False, loc="lower right" if horizontal else "upper left",
                      ncol=2 if len(series) > 5 else 1)
        ax.set_title(title)
        fig.tight_layout()
        return fig if as_figure else _svg(fig, title)


def doses(panels: dict[str, list[tuple[str, float, float]]], as_figure: bool = False):
    """One panel per dose basis (per kg, absolute), doses on a log scale: each study a dot at the
    midpoint of its stated range with a line from its lowest to its highest dose, by route."""
    with plt.rc_context(STYLE):
        fig, axes = plt.subplots(1, len(panels), figsize=(9, 3.6), squeeze=False)
        for ax, (title, points) in zip(axes[0], panels.items(), strict=True):
            if not points:
                _empty(ax, "doses")
                ax.set_title(title)
                continue
            routes = sorted({r for r, _, _ in points})
            index = {r: i for i, r in enumerate(routes)}
            # one collection of ranges and one line of dots: an artist per study took 15 s at 1,000 articles
            ys = [index[route] for route, _, _ in points]
            ranges = LineCollection([[(low, y), (high, y)] for (_, low, high), y in zip(points, ys, strict=True)],
                                    colors=PALETTE[0], alpha=0.5, linewidths=2, rasterized=True)
            ax.add_collection(ranges, autolim=True)
            ax.plot([(low * high) ** 0.5 for _, low, high in points], ys, "o", linestyle="none",
                    color=PALETTE[0], markersize=4, rasterized=True)
            ax.autoscale_view()
            ax.set_xscale("log")
            ax.set_yticks(range(len(routes)), labels=routes)
            ax.set_ylim(-0.7, len(routes) - 0.3)
            ax.invert_yaxis()
            ax.set_title(title)
            ax.grid(axis="x", which="major", alpha=0.3)
        fig.tight_layout()
        return fig if as_figure else _svg(fig, "Doses by route")


def shares(labels: Sequence[str], values: Sequence[float], title: str, as_figure: bool = False):
    """Shares 0..1 as horizontal bars with their percentage."""
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(9, max(2.2, 0.24 * len(labels) + 0.8)))
        if not labels:
            _empty(ax, "rows")
        else:
            y = range(len(labels))
            ax.barh(y, values, color=[PALETTE[2] if v >= 0.5 else PALETTE[3] for v in values])
            ax.set_yticks(list(y), labels=list(labels))
            ax.invert_yaxis()
            ax.set_xlim(0, 1.08)
            for i, v in enumerate(values):
                ax.annotate(f"{v:.0%}", (v, i), xytext=(3, 0), textcoords="offset points", va="center", fontsize=7)
        ax.set_title(title)
        fig.tight_layout()
        return fig if as_figure else _svg(fig, title)


def grouped(categories: Sequence[str], series: dict[str, Sequence[float]], title: str, as_figure: bool = False):
    """Side-by-side bars per category, one panel per series (document quality)."""
    with plt.rc_context(STYLE):
        k = max(1, len(series))
        fig, axes = plt.subplots(1, k, figsize=(9, max(2.2, 0.3 * len(categories) + 1.0)), sharey=True, squeeze=False)
        for i, (ax, (name, values)) in enumerate(zip(axes[0], series.items(), strict=True)):
            if not categories:
                _empty(ax, "documents")
            else:
                y = range(len(categories))
                ax.barh(y, values, color=PALETTE[i % len(PALETTE)])
                ax.set_yticks(list(y), labels=list(categories))
                ax.invert_yaxis()
            ax.set_title(name)
        fig.suptitle(title, fontsize=10, fontweight="bold")
        fig.tight_layout()
        return fig if as_figure else _svg(fig, title)
