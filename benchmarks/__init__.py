"""Benchmarks: ``python -m benchmarks [NAME ...]`` (or ``make bench``) runs them.

Each module ``benchmarks/bench_<name>.py`` defines ``main(quick: bool) -> None`` that prints
its measurements, each with the ratio against a baseline measured in the same run. Results
worth keeping go into ``benchmarks/RESULTS.md`` with the machine and date.
"""
