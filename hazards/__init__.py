"""Hazard models (rainfall, floods, droughts) and the hazard-layer catalog."""
