"""`make bench`: every benchmark, one run; results in benchmarks/results.json and BENCHMARKS.md.

Each benchmark script merges its own section into results.json and its own table into
BENCHMARKS.md, so they can also be run alone. Extra arguments (e.g. --quick, --full) pass through;
`--only NAME` (linkage, web, load) runs one of them.
"""

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPTS = ["linkage_bench.py", "web_bench.py", "load_bench.py"]


def main() -> int:
    failures = 0
    args = sys.argv[1:]
    scripts = SCRIPTS
    if "--only" in args:
        at = args.index("--only")
        only = args[at + 1] if at + 1 < len(args) else ""
        scripts = [name for name in SCRIPTS if name.startswith(f"{only}_")]
        args = args[:at] + args[at + 2:]
    for name in scripts:
        script = HERE / name
        if not script.exists():
            continue
        print(f"== {name}", flush=True)
        result = subprocess.run([sys.executable, str(script), *args], cwd=HERE.parent)
        failures += result.returncode != 0
    print(f"Results: {HERE / 'results.json'} and {HERE.parent / 'BENCHMARKS.md'}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
