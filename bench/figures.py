"""Small measuring helpers shared by the benchmarks."""
from __future__ import annotations

import argparse
import os
import random
from pathlib import Path

# A trainee reads the debtor's line and types an answer before sending the next one. Composing even
# a short reply takes a fast typist 5-15 s (a 20-word English answer at 60 wpm is 20 s; pinyin input
# is slower), so the paced rounds use that range; 0 0 sends back to back, a stress test of capacity.
PACED_THINK_S = (5.0, 15.0)


def add_think_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--think", type=float, nargs=2, metavar=("LOW", "HIGH"), default=(0.0, 0.0),
                        help="seconds each trainee waits before every line, drawn uniformly (default 0 0: "
                             f"back to back; {PACED_THINK_S[0]:g} {PACED_THINK_S[1]:g} models a fast typist)")


class ThinkTime:
    """Per-trainee, seeded, so a rerun offers the same load; the first pause also staggers log-ins."""

    def __init__(self, low: float, high: float, seed: int) -> None:
        if not 0 <= low <= high:
            raise ValueError(f"--think needs 0 <= LOW <= HIGH, got {low} {high}")
        self.low, self.high = low, high
        self._random = random.Random(seed)

    def next(self) -> float:
        return self._random.uniform(self.low, self.high) if self.high else 0.0


def percentile(values, share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def rss_mb(pid: int) -> float:
    """Resident memory of a process and all its children, in MB, from /proc (Linux)."""
    total_kb = 0
    for candidate in [pid, *_children(pid)]:
        try:
            for line in Path(f"/proc/{candidate}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total_kb += int(line.split()[1])
        except OSError:
            continue
    return round(total_kb / 1024, 1)


def _children(pid: int):
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []
    found = [int(c) for c in children]
    for child in list(found):
        found.extend(_children(child))
    return found


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far, from /proc/<pid>/stat."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def tree_cpu_seconds(pid: int) -> float:
    """CPU time of a process and its living children (PostgreSQL's workers, say); 0 for a process gone."""
    total = 0.0
    for candidate in [pid, *_children(pid)]:
        try:
            total += cpu_seconds(candidate)
        except OSError:
            continue
    return total


def machine_cpu_jiffies() -> tuple:
    """(busy, total) CPU time of the whole machine so far, all cores, from /proc/stat: what other
    programs on a shared machine take shows up as busy time that is not ours."""
    fields = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    return sum(fields) - idle, sum(fields)
