"""Size limits on what treatydiff reads, so that a huge or runaway input fails fast and clearly.

Both can be raised: by option (`--max-input-mb`, `--max-segments`) or environment
(`TREATYDIFF_MAX_INPUT_MB`, `TREATYDIFF_MAX_SEGMENTS`).
"""

from __future__ import annotations

import os
from pathlib import Path

from .errors import ConfigError, InputError

INPUT_ENV = "TREATYDIFF_MAX_INPUT_MB"
SEGMENTS_ENV = "TREATYDIFF_MAX_SEGMENTS"
# The longest treaty of the reference corpus is 0.13 MB and 1,200 segments at sentence level.
DEFAULT_MAX_INPUT_MB = 20.0
DEFAULT_MAX_SEGMENTS = 20_000  # two such documents align within about 1.5 GB (benchmarks/memory.py)


def _from_environment(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not a number") from None
    if value <= 0:
        raise ConfigError(f"{name} must be positive, got {raw}")
    return value


def max_input_bytes(megabytes: float | None = None) -> int:
    """The largest input file accepted, in bytes."""
    mb = megabytes if megabytes is not None else _from_environment(INPUT_ENV, DEFAULT_MAX_INPUT_MB)
    return int(mb * 1_000_000)


def max_segments(count: int | None = None) -> int:
    """The most segments one document may have at the level compared."""
    return count if count is not None else int(_from_environment(SEGMENTS_ENV, DEFAULT_MAX_SEGMENTS))


def check_input_size(path: Path, limit: int | None = None) -> None:
    """Refuse a file larger than the limit, before reading it."""
    limit = max_input_bytes() if limit is None else limit
    try:
        size = path.stat().st_size
    except OSError:
        return  # the reader says what is wrong with it
    if size > limit:
        raise InputError(
            f"{path} is {size / 1_000_000:.1f} MB; the limit is {limit / 1_000_000:g} MB "
            f"(raise it with --max-input-mb or {INPUT_ENV})"
        )


def check_segment_count(path: str, count: int, level: str, limit: int | None = None) -> None:
    limit = max_segments() if limit is None else limit
    if count > limit:
        raise InputError(
            f"{path} has {count:,} segments at {level} level; the limit is {limit:,} "
            f"(compare at a coarser level, or raise it with --max-segments or {SEGMENTS_ENV})"
        )
