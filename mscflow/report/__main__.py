"""``python -m mscflow.report [WAREHOUSE] [OUT.html]``: write the evidence report."""

import sys
from pathlib import Path

from mscflow.settings import load_settings

from .evidence import write_report

settings = load_settings()
warehouse = Path(sys.argv[1]) if len(sys.argv) > 1 else settings.warehouse_path
target = Path(sys.argv[2]) if len(sys.argv) > 2 else settings.report_path
result = write_report(warehouse, target)
print(f"wrote {result.path} ({result.charts} charts, {result.studies} studies)")
