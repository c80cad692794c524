"""Thresholds calibrated per model by benchmarks/calibrate.py; do not edit by hand.

The package defaults were fitted on all-MiniLM-L6-v2. Models that spread their cosines
differently (e5's lie in a narrow band near 1) need their own.
"""

from __future__ import annotations

E5_SMALL_THRESHOLDS: dict[str, float] = {}
TFIDF_THRESHOLDS: dict[str, float] = {}
