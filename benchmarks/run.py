"""`make bench`: every benchmark, one after another, in its own process.

Each benchmark script merges its own section into results.json and its own table into
BENCHMARKS.md, so they can also be run alone. Extra arguments (e.g. --quick, --full) pass through;
`--only linkage` (or `web`, `intake`, `load`, `replay`; repeatable) runs just those benchmarks.
"""

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPTS = ["linkage_bench.py", "web_bench.py", "intake_bench.py", "replay_bench.py",
           "load_bench.py"]


def split_only(argv: list[str]) -> tuple[list[str], list[str]]:
    """(--only values, the other arguments)."""
    only, rest, args = [], [], iter(argv)
    for arg in args:
        if arg == "--only":
            only.append(next(args, ""))
        elif arg.startswith("--only="):
            only.append(arg.split("=", 1)[1])
        else:
            rest.append(arg)
    return only, rest


def main() -> int:
    only, passed = split_only(sys.argv[1:])
    failures = 0
    for name in SCRIPTS:
        script = HERE / name
        if not script.exists() or (only and not any(name.startswith(o) for o in only)):
            continue
        print(f"== {name}", flush=True)
        result = subprocess.run([sys.executable, str(script), *passed], cwd=HERE.parent)
        failures += result.returncode != 0
    print(f"Results: {HERE / 'results.json'} and {HERE.parent / 'BENCHMARKS.md'}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
