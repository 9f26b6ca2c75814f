"""herbot's benchmarks: ``python -m bench`` from the project root.

Performance is measured here, never asserted in tests. Every figure is printed next to a baseline
measured in the same run, so ratios stay comparable on a shared, noisy machine.
"""
