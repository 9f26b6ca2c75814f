"""Conversation values: how a new message's values update what a conversation already holds.

A later message wins field by field, and a receptor reported again replaces everything
said before about that receptor (a new percentage drops an old Allred score or call).
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = ["merge_values"]

_GROUPS = ("er_", "pr_")


def merge_values(prior: Mapping[str, str], new: Mapping[str, str]) -> dict[str, str]:
    """``prior`` updated by ``new``.

    >>> merge_values({"ihc": "2+", "er_call": "positive"}, {"ish_ratio": "2.3", "er_percent": "5"})
    {'ihc': '2+', 'ish_ratio': '2.3', 'er_percent': '5'}
    """
    replaced = {prefix for prefix in _GROUPS if any(field.startswith(prefix) for field in new)}
    kept = {field: value for field, value in prior.items() if not field.startswith(tuple(replaced))}
    return {**kept, **new}
