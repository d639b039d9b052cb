"""Time a full build, an incremental rebuild after one file changes, and peak memory.

    python -m benchmarks.bench_build [--sizes 1000 10000 100000] [--work DIR]

Each build runs in its own process (``atlas build``), so that peak memory
(max RSS of that process) and wall time are those a user sees.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.synth import generate_atlas


def run_build(data: Path, store: Path, shacl: str) -> tuple[float, float]:
    """Run ``atlas build`` in a child process; return (seconds, peak RSS in MiB of that child)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "atlas.cli", "--store", str(store), "build", "--shacl", shacl, str(data)],
                   check=True, stdout=subprocess.DEVNULL)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return seconds, max(peak, before) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--work", type=Path, default=Path("/tmp/atlas-bench"))
    parser.add_argument("--shacl", default="auto", choices=["auto", "on", "off"])
    args = parser.parse_args()
    rows = []
    for n in args.sizes:
        data = args.work / f"synth-{n}"
        if not (data / "atlas.yaml").exists():
            t = time.perf_counter()
            generate_atlas(data, n, seed=n)
            print(f"generated {n} experiences in {time.perf_counter() - t:.1f} s", file=sys.stderr)
        store = args.work / f"store-{n}"
        shutil.rmtree(store, ignore_errors=True)
        full, peak = run_build(data, store, args.shacl)
        one = data / "experiences" / "experience-000000.md"
        text = one.read_text()
        one.write_text(text.replace("Narrative of experience 0.", "Narrative of experience 0, edited."))
        try:
            incremental, _ = run_build(data, store, args.shacl)
        finally:
            one.write_text(text)
        run_build(data, store, args.shacl)  # back to the generated content
        size = sum(p.stat().st_size for p in store.rglob("*") if p.is_file()) / 2**20
        rows.append((n, full, incremental, peak, size))
    print(f"{'experiences':>11}  {'full build (s)':>14}  {'incremental (s)':>15}  {'peak RSS (MiB)':>14}  "
          f"{'store (MiB)':>11}")
    for n, full, inc, peak, size in rows:
        print(f"{n:>11,}  {full:>14.1f}  {inc:>15.2f}  {peak:>14.0f}  {size:>11.0f}")


if __name__ == "__main__":
    main()
