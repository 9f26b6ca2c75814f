"""Cited knowledge kept as data files in the package, and their loader."""

from bot.knowledge.loader import load_sources

__all__ = ["load_sources"]
