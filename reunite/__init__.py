"""Reunite: multi-agency operations to locate and recover missing minors."""

__version__ = "0.1.0"
