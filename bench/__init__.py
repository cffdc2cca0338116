"""Benchmarks: `make bench` runs them all and prints each as a table beside its baseline."""
