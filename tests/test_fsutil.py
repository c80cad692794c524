from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import Self

import pytest

from treatydiff.errors import OutputError
from treatydiff.fsutil import atomic_write_text


def leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.endswith(".tmp"))


def test_writes_a_new_file_exactly(tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    text = "<p>Übereinkommen – “quotes”</p>\r\nline two\n"
    atomic_write_text(target, text, overwrite=False)
    assert target.read_bytes() == text.encode("utf-8")
    assert leftovers(tmp_path) == []


def test_accepts_a_string_path(tmp_path: Path) -> None:
    atomic_write_text(str(tmp_path / "r.html"), "x", overwrite=False)
    assert (tmp_path / "r.html").read_text() == "x"


def test_creates_parent_directories(tmp_path: Path) -> None:
    target = tmp_path / "reports" / "2024" / "budapest-vs-uncac.html"
    atomic_write_text(target, "report", overwrite=False)
    assert target.read_text() == "report"


def test_refuses_to_overwrite_without_permission(tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    target.write_text("old")
    with pytest.raises(OutputError, match=r"report\.html exists; use --force to overwrite"):
        atomic_write_text(target, "new", overwrite=False)
    assert target.read_text() == "old"
    assert leftovers(tmp_path) == []


def test_overwrites_when_allowed_and_keeps_the_mode(tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    target.write_text("old")
    target.chmod(0o640)
    atomic_write_text(target, "new", overwrite=True)
    assert target.read_text() == "new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert leftovers(tmp_path) == []


def test_new_file_gets_the_umask_mode_not_0600(tmp_path: Path) -> None:
    old_umask = os.umask(0o022)
    try:
        atomic_write_text(tmp_path / "r.html", "x", overwrite=False)
    finally:
        os.umask(old_umask)
    assert stat.S_IMODE((tmp_path / "r.html").stat().st_mode) == 0o644


def test_disk_full_during_fsync_keeps_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "report.html"
    target.write_text("old")

    def no_space(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", no_space)
    with pytest.raises(OutputError) as caught:
        atomic_write_text(target, "new", overwrite=True)
    message = str(caught.value)
    assert "No space left on device" in message
    assert str(target) in message
    assert "\n" not in message
    assert target.read_text() == "old"
    assert leftovers(tmp_path) == []


def test_disk_full_during_write_leaves_no_temp_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_fdopen = os.fdopen

    class FullDisk:
        def __init__(self, handle: object) -> None:
            self.handle = handle

        def __enter__(self) -> Self:
            return self

        def __exit__(self, *exc: object) -> None:
            self.handle.close()  # type: ignore[attr-defined]

        def write(self, text: str) -> int:
            raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fdopen", lambda fd, *a, **k: FullDisk(real_fdopen(fd, *a, **k)))
    with pytest.raises(OutputError, match="No space left on device"):
        atomic_write_text(tmp_path / "report.html", "new", overwrite=False)
    assert not (tmp_path / "report.html").exists()
    assert leftovers(tmp_path) == []


def test_permission_denied_in_the_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Tests run as root, where a read-only directory is still writable: simulate it.
    def denied(*args: object, **kwargs: object) -> tuple[int, str]:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr("tempfile.mkstemp", denied)
    with pytest.raises(OutputError, match=r"cannot write .*report\.html: Permission denied"):
        atomic_write_text(tmp_path / "report.html", "x", overwrite=True)
    assert list(tmp_path.iterdir()) == []


def test_rename_failure_removes_the_temp_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def denied(src: str, dst: object) -> None:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(os, "replace", denied)
    with pytest.raises(OutputError, match="Permission denied"):
        atomic_write_text(tmp_path / "report.html", "x", overwrite=True)
    assert list(tmp_path.iterdir()) == []


def test_parent_that_is_a_file_is_an_output_error(tmp_path: Path) -> None:
    (tmp_path / "reports").write_text("not a directory")
    with pytest.raises(OutputError, match="cannot create directory"):
        atomic_write_text(tmp_path / "reports" / "r.html", "x", overwrite=True)


def test_target_that_is_a_directory_is_an_output_error(tmp_path: Path) -> None:
    (tmp_path / "r.html").mkdir()
    with pytest.raises(OutputError):
        atomic_write_text(tmp_path / "r.html", "x", overwrite=True)
    assert leftovers(tmp_path) == []


def test_no_clobber_falls_back_where_hard_links_are_unsupported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def unsupported(src: str, dst: object) -> None:
        raise OSError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(os, "link", unsupported)
    atomic_write_text(tmp_path / "r.html", "x", overwrite=False)
    assert (tmp_path / "r.html").read_text() == "x"
    assert leftovers(tmp_path) == []


def test_file_appearing_during_a_no_clobber_write_is_not_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "r.html"
    real_fsync = os.fsync

    def someone_else_writes(fd: int) -> None:
        real_fsync(fd)
        if not target.exists():
            target.write_text("theirs")

    monkeypatch.setattr(os, "fsync", someone_else_writes)
    with pytest.raises(OutputError, match="exists"):
        atomic_write_text(target, "ours", overwrite=False)
    assert target.read_text() == "theirs"
    assert leftovers(tmp_path) == []


def test_unencodable_text_is_an_output_error(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="not encodable"):
        atomic_write_text(tmp_path / "r.txt", "lone surrogate \udc80", overwrite=True)
    assert list(tmp_path.iterdir()) == []
