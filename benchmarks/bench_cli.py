"""End-to-end timings of the analysis commands, from the command line, on a warm store.

    python -m benchmarks.bench_cli [--sizes 10000 100000] [--work DIR] [--repeat 3]

Uses the synthetic atlases and stores of ``benchmarks.bench_build`` (built first if
missing). Each command runs as a new ``atlas`` process, as a user runs it; the
first run warms the corpus cache, then the best of ``--repeat`` runs is reported.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.synth import generate_atlas, issue_slug

COMMANDS = [
    ("links", ["links", issue_slug(0), "--top", "20"]),
    ("remote", ["remote", "--top", "20"]),
    ("hidden", ["hidden", issue_slug(3), "--top", "20"]),
    ("explain", ["explain", issue_slug(0), issue_slug(40)]),
    ("capitalise", ["capitalise", "principle-001"]),
    ("candidates", ["candidates", "--top", "20"]),
    ("peers", ["peers", "territory-0001"]),
    ("journey", ["journey", "territory-0001", "--issue", issue_slug(0), "--issue", issue_slug(5)]),
    ("communities", ["communities"]),
]


def atlas(store: Path, args: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "atlas.cli", "--store", str(store), *args, "--format", "json"],
                   check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10000, 100000])
    parser.add_argument("--work", type=Path, default=Path("/tmp/atlas-bench"))
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    results: dict[str, dict[int, float]] = {}
    for n in args.sizes:
        data, store = args.work / f"synth-{n}", args.work / f"store-{n}"
        if not (data / "atlas.yaml").exists():
            generate_atlas(data, n, seed=n)
        if not (store / "current").exists():
            subprocess.run([sys.executable, "-m", "atlas.cli", "--store", str(store), "build", str(data)], check=True,
                           stdout=subprocess.DEVNULL)
        atlas(store, ["stats"])  # warms the corpus cache
        for name, cmd in COMMANDS:
            results.setdefault(name, {})[n] = min(atlas(store, cmd) for _ in range(args.repeat))
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import atlas.cli"], check=True)
    print(f"(python + import atlas.cli: {time.perf_counter() - start:.2f} s)")
    print(f"{'command':<12}" + "".join(f"  {n:>10,}" for n in args.sizes) + "   (seconds, end to end, warm)")
    for name, by_size in results.items():
        print(f"{name:<12}" + "".join(f"  {by_size[n]:>10.2f}" for n in args.sizes))


if __name__ == "__main__":
    main()
