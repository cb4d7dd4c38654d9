"""Measurement helpers shared by the benchmarks."""

from __future__ import annotations

import resource
import threading


def _status_kb(field: str) -> int | None:
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith(field):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def peak_rss_mb() -> float:
    """Peak resident memory of this process in MiB.

    On Linux ru_maxrss survives fork/exec, so a measurement child started by a parent that had
    just generated a large input would report the parent's peak; VmHWM belongs to the new
    address space and starts afresh at exec. Elsewhere ru_maxrss is what there is.
    """
    hwm = _status_kb("VmHWM:")
    if hwm is not None:
        return hwm / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


class AnonPeak:
    """Peak anonymous RSS (RssAnon: heap and stacks, without file-backed pages such as the
    archive's mmap window, which the OS can drop at will). Linux keeps no high-water mark for
    it, so a daemon thread samples it every `interval` seconds; a spike shorter than that can
    be missed, so the figure is a lower bound of the true peak."""

    def __init__(self, interval: float = 0.05) -> None:
        self.peak_kb = _status_kb("RssAnon:") or 0
        self._stop = threading.Event()
        self._interval = interval
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            now = _status_kb("RssAnon:") or 0
            self.peak_kb = max(self.peak_kb, now)

    def __enter__(self) -> AnonPeak:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak_kb = max(self.peak_kb, _status_kb("RssAnon:") or 0)

    @property
    def mb(self) -> float:
        return self.peak_kb / 1024
