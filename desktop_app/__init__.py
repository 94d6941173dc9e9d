"""Sightline: an offline workbench for exploring events in time and space."""

__version__ = "0.1.0"
