"""Benchmarks that print figures (DESIGN §4): `python -m benchmarks [--short]` runs
every `bench_*.py` module here, each through its `main(short: bool)`."""
