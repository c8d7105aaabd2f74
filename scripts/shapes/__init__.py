"""Synthetic coloured-shape data set and scorer for the sdfarm-shapes model (scripts/train-small-model.py)."""
