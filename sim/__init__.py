"""Inland Niger delta contingency-planning simulator: the engine."""
