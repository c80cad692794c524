"""Thresholds calibrated per model by benchmarks/calibrate.py; do not edit by hand.

The package defaults were fitted on all-MiniLM-L6-v2. Models that spread their cosines
differently (e5's lie in a narrow band near 1) need their own.
"""

from __future__ import annotations

E5_SMALL_THRESHOLDS: dict[str, float] = {
    "addressed_threshold": 0.635,
    "anchor_threshold": 0.925,
    "attach_threshold": 0.675,
    "crossing_link_threshold": 0.825,
    "link_threshold": 0.675,
    "local_link_threshold": 0.575,
    "partly_threshold": 0.625,
}
TFIDF_THRESHOLDS: dict[str, float] = {
    "addressed_threshold": 0.2,
    "anchor_threshold": 0.75,
    "attach_threshold": 0.5,
    "crossing_link_threshold": 0.65,
    "link_threshold": 0.5,
    "local_link_threshold": 0.4,
    "partly_threshold": 0.2,
}
