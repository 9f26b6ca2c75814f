"""Conversation values: a new message's values merged into the case a conversation holds, and said aloud.

The merge itself is ``Report.merged_with`` (a later message wins; a receptor reported again replaces
everything said before about it). This module says what the merge did, so values never cross silently:
which remembered values an answer uses, and which ones a new message replaced.

>>> from bot.engine import report_from_fields
>>> update = merge_case(report_from_fields({"ihc": "1+", "er_percent": "0"}), report_from_fields({"ihc": "3+"}))
>>> for notice in update.notices:
...     print(notice)
Using ER 0% from earlier in this conversation; say "new case" to start over.
HER2 IHC 3+ replaces 1+ from earlier.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.engine import Report
from intents.classify_values import describe_values

__all__ = ["CaseUpdate", "merge_case", "remembered_notice"]

NEW_CASE_NOTICE = "New case: I cleared the values from earlier in this conversation."


@dataclass(frozen=True, slots=True)
class CaseUpdate:
    """The case after a message, and what the message changed about the remembered one."""

    values: Report
    carried: tuple[tuple[str, str], ...] = ()
    replaced: tuple[tuple[str, str, str], ...] = ()

    @property
    def notices(self) -> tuple[str, ...]:
        notices = [remembered_notice(self.carried)] if self.carried else []
        notices += [f"{label} {new} replaces {old} from earlier." for label, old, new in self.replaced]
        return tuple(notices)


def merge_case(prior: Report, new: Report) -> CaseUpdate:
    """``prior`` updated by ``new``, with the values carried over and replaced (raises ``InvalidValue``)."""
    merged = prior.merged_with(new)
    shown_new, shown_prior = describe_values(new), describe_values(prior)
    new_labels = {label for label, _ in shown_new}
    carried = tuple(pair for pair in describe_values(merged) if pair not in shown_new)
    old_by_label = {label: value for label, value in shown_prior if label in new_labels}
    replaced = tuple(
        (label, old_by_label[label], value)
        for label, value in shown_new
        if label in old_by_label and old_by_label[label] != value
    )
    return CaseUpdate(merged, carried, replaced)


def remembered_notice(values: tuple[tuple[str, str], ...]) -> str:
    """'Using ER 0% and PR 0% from earlier in this conversation; say "new case" to start over.'"""
    listed = [f"{label} {value}" for label, value in values]
    joined = listed[0] if len(listed) == 1 else ", ".join(listed[:-1]) + " and " + listed[-1]
    return f'Using {joined} from earlier in this conversation; say "new case" to start over.'
