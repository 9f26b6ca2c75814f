"""Reasoning steps and the rules that produce them.

A ``Rule`` is one decision the engine can take, with a stable id and the sources that
back it. Each module that decides something lists its rules in a ``RULES`` tuple, and
``bot.engine.all_rules()`` joins them, so a test can prove that each one is exercised.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Rule", "Step"]

ASCO_CAP_HER2_2018 = "asco-cap-her2-2018"
ASCO_CAP_HER2_2023 = "asco-cap-her2-2023"
ASCO_CAP_ER_PR_2020 = "asco-cap-er-pr-2020"
CAP_TEMPLATE_2014 = "cap-biomarker-template-2014"
NAACCR_ALLRED = "naaccr-ssdi-allred"
DESTINY_BREAST04 = "destiny-breast04"
DESTINY_BREAST06 = "destiny-breast06"
FDA_TDXD_DB06_2025 = "fda-tdxd-db06-2025"
RAKHA_2026 = "rakha-her2-reporting-2026"
SEER_SUBTYPES = "seer-breast-subtypes"
WANG_2019 = "wang-2019-ish-reclassification"
CDR_2022 = "cdr-2022-ish-summary"


@dataclass(frozen=True, slots=True)
class Step:
    """One line of reasoning: what was decided, by which rule, on whose authority.

    ``assumed`` names what the step takes for granted that docs/her2-rules.md lists as unverified;
    ``text`` must say it (tests/test_unverified_flags.py checks).
    """

    rule: str
    text: str
    sources: tuple[str, ...]
    assumed: str | None = None


@dataclass(frozen=True, slots=True)
class Rule:
    """A decision the engine can take. ``step`` turns it into reasoning for one case."""

    id: str
    sources: tuple[str, ...]

    def step(self, text: str, *, assumed: str | None = None) -> Step:
        return Step(rule=self.id, text=text, sources=self.sources, assumed=assumed)
