"""The evidence report: one self-contained HTML page drawn from the published warehouse."""

from .evidence import ReportResult, render_report, write_report

__all__ = ["ReportResult", "render_report", "write_report"]
