"""Assay: real vs. rhetoric in critical-minerals news."""

__version__ = "0.1.0"
