"""Cold and warm timings of one call, for the benchmark scripts."""

from __future__ import annotations

import time
from collections.abc import Callable


def time_call(func: Callable[[], object], repeat: int = 3) -> tuple[float, float, float]:
    """Time ``func``: return (first call wall, first call CPU, best of ``repeat`` later calls wall) in seconds.

    The best of no later calls (``repeat=0``) is NaN.

    Examples
    --------
    >>> cold, cold_cpu, warm = time_call(lambda: sum(range(10)), repeat=2)
    >>> cold >= 0 and cold_cpu >= 0 and warm >= 0
    True
    """
    start, cpu = time.perf_counter(), time.process_time()
    func()
    cold, cold_cpu = time.perf_counter() - start, time.process_time() - cpu
    warm = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        warm.append(time.perf_counter() - start)
    return cold, cold_cpu, min(warm, default=float("nan"))
