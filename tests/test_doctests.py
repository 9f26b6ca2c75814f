"""The examples in docstrings run and hold."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import bot
import intents

MODULES = sorted(
    info.name
    for package in (bot, intents)
    for info in pkgutil.walk_packages(package.__path__, prefix=package.__name__ + ".")
)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    failures, _ = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert failures == 0
