"""Numbers kept bit for bit in JSON, and sparse rows built only when first looked up.

``pack`` turns numbers into base64 of little-endian machine values (``array`` type codes: ``d`` doubles,
``B`` and ``H`` unsigned bytes and shorts); ``unpack`` reads them back exactly. ``LazyRows`` is a read-only
mapping key -> {index: weight} over packed rows, each built at its first look-up, so a load reads a few
arrays instead of building thousands of dictionaries.

>>> rows = LazyRows(["a", "b"], unpack("B", pack("B", [1, 2])), unpack("H", pack("H", [0, 3, 4])),
...                 unpack("d", pack("d", [0.5, 1.5, 2.5])))
>>> dict(rows["b"]), len(rows)
({3: 1.5, 4: 2.5}, 2)
"""

from __future__ import annotations

import base64
import sys
from array import array
from collections.abc import Iterator, Mapping
from itertools import accumulate
from types import MappingProxyType
from typing import Any

__all__ = ["LazyRows", "pack", "unpack"]


class LazyRows(Mapping[str, Mapping[int, float]]):
    """Key -> {index: weight}, each row built when first looked up.

    A message touches a few hundred of the ~13,000 rows of the detector's weights, so building them all at
    load (~10 ms) is mostly wasted. A built row is kept, read-only; equal to the written rows as a mapping.
    """

    def __init__(self, features: list[str], sizes: array, classes: array, weights: array) -> None:
        self._spans = dict(zip(features, zip(accumulate(sizes, initial=0), sizes, strict=False), strict=True))
        self._classes = classes
        self._weights = weights
        self._built: dict[str, Mapping[int, float]] = {}

    def __getitem__(self, feature: str) -> Mapping[int, float]:
        row = self.get(feature)
        if row is None:
            raise KeyError(feature)
        return row

    def get(self, feature: str, default: Any = None) -> Any:  # the scorer's hot path: no exceptions
        row = self._built.get(feature)
        if row is None:
            span = self._spans.get(feature)
            if span is None:
                return default
            start, end = span[0], span[0] + span[1]
            row = MappingProxyType(dict(zip(self._classes[start:end], self._weights[start:end], strict=True)))
            self._built[feature] = row
        return row

    def __iter__(self) -> Iterator[str]:
        return iter(self._spans)

    def __len__(self) -> int:
        return len(self._spans)


def pack(code: str, numbers: list[float] | list[int]) -> str:
    """``numbers`` as base64 of little-endian values of the ``array`` type ``code``."""
    packed = array(code, numbers)
    if sys.byteorder == "big":
        packed.byteswap()
    return base64.b64encode(packed.tobytes()).decode("ascii")


def unpack(code: str, text: str) -> array:
    """The numbers ``pack`` wrote, exactly."""
    unpacked = array(code, base64.b64decode(text))
    if sys.byteorder == "big":
        unpacked.byteswap()
    return unpacked
