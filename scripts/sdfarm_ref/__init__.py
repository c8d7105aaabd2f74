"""Reference helpers for sdfarm's fixture and training scripts (Python side only; the Swift
product never needs Python)."""
