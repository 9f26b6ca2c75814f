"""Summaries of timing samples: median and p95 (nearest rank), and the table they are printed in."""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["Summary", "format_table", "summarize"]


@dataclass(frozen=True, slots=True)
class Summary:
    """The median and 95th percentile of ``n`` samples, in the samples' unit."""

    median: float
    p95: float
    n: int


def summarize(samples: Sequence[float]) -> Summary:
    """Median and nearest-rank p95 of ``samples``.

    >>> summarize([5.0, 1.0, 3.0, 2.0, 4.0])
    Summary(median=3.0, p95=5.0, n=5)
    """
    if not samples:
        raise ValueError("no samples to summarize")
    ordered = sorted(samples)
    rank = max(1, math.ceil(0.95 * len(ordered)))
    return Summary(median=statistics.median(ordered), p95=ordered[rank - 1], n=len(ordered))


def format_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A plain-text table: first column left-aligned, the others right-aligned.

    >>> print(format_table(["what", "ms"], [["a", "1.0"], ["bb", "10.0"]]))
    what    ms
    ----  ----
    a      1.0
    bb    10.0
    """
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows, strict=True)]

    def line(cells: Sequence[str]) -> str:
        first, *rest = (str(cell) for cell in cells)
        return "  ".join([first.ljust(widths[0]), *(cell.rjust(w) for cell, w in zip(rest, widths[1:], strict=True))])

    return "\n".join([line(header), line(["-" * w for w in widths]), *(line(row) for row in rows)])
