"""Deterministic fakes for fast unit tests of logic (the only fakes in the repo)."""
