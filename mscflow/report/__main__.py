"""``python -m mscflow.report [WAREHOUSE] [OUT.html]``: write the evidence report."""

import sys
from pathlib import Path

from mscflow.settings import load_settings

from .evidence import write_report


def main(argv: list[str]) -> int:
    settings = load_settings()
    warehouse = Path(argv[0]) if argv else settings.warehouse_path
    target = Path(argv[1]) if len(argv) > 1 else settings.report_path
    result = write_report(warehouse, target)
    print(f"wrote {result.path} ({result.charts} charts, {result.studies} studies)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
