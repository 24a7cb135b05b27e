"""OpenICS: the statutory business of an English NHS integrated care system, in the open."""

__version__ = "0.1.0"
