"""Tandem: run and measure a doctor–manager partnership development programme."""

__version__ = "0.1.0"
