"""Atomic file writes: a reader sees the old file or the new one, never half of one."""

from __future__ import annotations

import contextlib
import errno
import glob
import os
import tempfile
import time
from pathlib import Path

from treatydiff.errors import OutputError

__all__ = ["atomic_write_text"]


def atomic_write_text(
    path: str | os.PathLike[str], text: str, *, overwrite: bool, encoding: str = "utf-8"
) -> None:
    """Write `text` to `path` through a temporary file in the same directory.

    Parent directories are created. The temporary file is fsynced, then renamed over
    `path`, so an interrupted or failed write leaves any previous file intact and no
    temporary file behind.

    Args:
        path: the file to write.
        text: the whole content; written as is (no newline translation).
        overwrite: replace an existing file; if False, an existing file is an error.
        encoding: text encoding of the file.

    Raises:
        OutputError: the file exists and `overwrite` is False, or it can't be written.
    """
    target = Path(path)
    if not overwrite and target.exists():
        raise _exists_error(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create directory {target.parent}: {_reason(exc)}") from exc

    _remove_stale_temporaries(target)
    mode = mode_for(target)
    try:
        fd, temp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as exc:
        raise OutputError(f"cannot write {target}: {_reason(exc)}") from exc
    try:
        try:
            handle = os.fdopen(fd, "w", encoding=encoding, newline="")
        except BaseException:
            os.close(fd)
            raise
        with handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp_name, mode)  # mkstemp makes 0600; give the file the mode a plain write would
        _move_into_place(temp_name, target, overwrite=overwrite)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(temp_name)
        if isinstance(exc, OutputError):
            raise
        if isinstance(exc, OSError):
            raise OutputError(f"cannot write {target}: {_reason(exc)}") from exc
        if isinstance(exc, UnicodeEncodeError):
            raise OutputError(f"cannot write {target}: text is not encodable as {encoding}") from exc
        raise
    _fsync_directory(target.parent)


# A temporary this old belongs to a writer that was killed before it could rename or remove
# it; a live writer's is seconds old.
STALE_TEMPORARY_SECONDS = 600.0


def _remove_stale_temporaries(target: Path) -> None:
    now = time.time()
    for leftover in target.parent.glob(f".{glob.escape(target.name)}.*.tmp"):
        with contextlib.suppress(OSError):
            if now - leftover.stat().st_mtime >= STALE_TEMPORARY_SECONDS:
                leftover.unlink()


def _move_into_place(temp_name: str, target: Path, *, overwrite: bool) -> None:
    if overwrite:
        os.replace(temp_name, target)
        return
    # A hard link fails if the target appeared meanwhile: no window to clobber it.
    try:
        os.link(temp_name, target)
    except FileExistsError:
        raise _exists_error(target) from None
    except OSError as exc:
        if exc.errno not in (
            errno.EPERM,
            errno.ENOTSUP,
            errno.EOPNOTSUPP,
            errno.EXDEV,
            errno.EMLINK,
            errno.ENOSYS,
        ):
            raise
        # Filesystem without hard links: check, then rename.
        if target.exists():
            raise _exists_error(target) from None
        os.replace(temp_name, target)
    else:
        os.unlink(temp_name)


def _exists_error(target: Path) -> OutputError:
    return OutputError(f"{target} exists; use --force to overwrite")


def mode_for(target: Path) -> int:
    """Keep an existing file's permissions; a new file gets 0666 less the umask."""
    try:
        return target.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _fsync_directory(directory: Path) -> None:
    """Make the rename durable; not every platform can open a directory: fine."""
    try:
        dir_fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc) or type(exc).__name__
