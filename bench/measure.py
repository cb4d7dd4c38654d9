"""Measurement helpers shared by the benchmarks."""

from __future__ import annotations

import resource


def peak_rss_mb() -> float:
    """Peak resident memory of this process in MiB.

    On Linux ru_maxrss survives fork/exec, so a measurement child started by a parent that had
    just generated a large input would report the parent's peak; VmHWM belongs to the new
    address space and starts afresh at exec. Elsewhere ru_maxrss is what there is.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024  # kB
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
