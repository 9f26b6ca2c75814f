"""Summaries of timing samples: median and nearest-rank percentiles, and the table they are printed in."""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["Summary", "format_table", "percentile", "summarize"]


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
    return Summary(median=statistics.median(samples), p95=percentile(samples, 0.95), n=len(samples))


def percentile(samples: Sequence[float], share: float) -> float:
    """The nearest-rank percentile (``share`` from 0 to 1) of ``samples``; NaN if there are none.

    >>> [percentile([5.0, 1.0, 3.0, 2.0, 4.0], share) for share in (0.5, 0.99)]
    [3.0, 5.0]
    """
    ordered = sorted(samples)
    if not ordered:
        return math.nan
    return ordered[max(1, math.ceil(share * len(ordered))) - 1]


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
