"""Drafts Russian–Kazakh cross-border cooperation agreements and their filing paperwork."""

__version__ = "0.1.0"
