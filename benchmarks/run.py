"""`make bench`: every benchmark, one run; results in benchmarks/results.json and BENCHMARKS.md.

Each benchmark script merges its own section into results.json and its own table into
BENCHMARKS.md, so they can also be run alone. Extra arguments (e.g. --quick, --full) pass through;
`--only intake` (or linkage, web) runs just that one.
"""

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPTS = ["linkage_bench.py", "web_bench.py", "intake_bench.py"]


def main() -> int:
    failures = 0
    arguments = sys.argv[1:]
    only = None
    if "--only" in arguments:
        at = arguments.index("--only")
        only = arguments[at + 1] if at + 1 < len(arguments) else None
        del arguments[at:at + 2]
    for name in SCRIPTS:
        if only and not name.startswith(only):
            continue
        script = HERE / name
        if not script.exists():
            continue
        print(f"== {name}", flush=True)
        result = subprocess.run([sys.executable, str(script), *arguments], cwd=HERE.parent)
        failures += result.returncode != 0
    print(f"Results: {HERE / 'results.json'} and {HERE.parent / 'BENCHMARKS.md'}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
