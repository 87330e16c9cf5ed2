"""Uploads go through one storage interface, which writes each file whole or not at all."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from flask import Flask

from valuma_space.storage import LocalDirectoryStorage, TooLarge, upload_storage


class _WatchedStream(io.BytesIO):
    """A stream that looks at the target while it is being read: as another server would."""

    def __init__(self, data: bytes, target: Path) -> None:
        super().__init__(data)
        self.target = target
        self.seen_during_write: list[bool] = []

    def read(self, size: int | None = -1) -> bytes:
        self.seen_during_write.append(self.target.exists())
        return super().read(size)


def test_a_file_has_its_name_only_once_it_is_complete(tmp_path: Path) -> None:
    storage = LocalDirectoryStorage(tmp_path / "uploads")
    data = b"x" * (300 * 1024)  # several chunks
    stream = _WatchedStream(data, tmp_path / "uploads" / "abc.pdf")
    assert storage.save("abc.pdf", stream) == len(data)
    assert len(stream.seen_during_write) > 3
    assert not any(stream.seen_during_write)
    assert (tmp_path / "uploads" / "abc.pdf").read_bytes() == data
    assert storage.exists("abc.pdf")
    with storage.open("abc.pdf") as handle:
        assert handle.read() == data
    # Only the file itself is left: no temporary one beside it.
    assert [p.name for p in (tmp_path / "uploads").iterdir()] == ["abc.pdf"]
    storage.delete("abc.pdf")
    storage.delete("abc.pdf")  # already gone: no error
    assert not storage.exists("abc.pdf")


def test_a_file_too_large_or_failing_leaves_nothing(tmp_path: Path) -> None:
    storage = LocalDirectoryStorage(tmp_path)
    with pytest.raises(TooLarge):
        storage.save("big.pdf", io.BytesIO(b"x" * 200_000), max_bytes=100_000)

    class Broken(io.BytesIO):
        def read(self, size: int | None = -1) -> bytes:
            if self.tell() > 0:
                raise OSError("the client went away")
            return super().read(70_000)

    storage.save_bytes("kept.pdf", b"old")
    with pytest.raises(OSError, match="went away"):
        storage.save("kept.pdf", Broken(b"y" * 200_000))
    assert [p.name for p in tmp_path.iterdir()] == ["kept.pdf"]
    assert (tmp_path / "kept.pdf").read_bytes() == b"old"  # the old file stays whole


@pytest.mark.parametrize("name", ["../escape.pdf", "a/b.pdf", ".part-x", ""])
def test_names_stay_inside_the_directory(tmp_path: Path, name: str) -> None:
    with pytest.raises(ValueError, match="name"):
        LocalDirectoryStorage(tmp_path / "in").save(name, io.BytesIO(b"x"))
    assert not (tmp_path / "escape.pdf").exists()


def test_the_app_serves_its_uploads_from_one_storage(app: Flask) -> None:
    storage = upload_storage()
    assert isinstance(storage, LocalDirectoryStorage)
    assert str(storage.directory) == app.config["UPLOAD_DIR"]
    storage.save_bytes("0123abcd.pdf", b"%PDF-1.4")
    with app.test_request_context():
        response = storage.response("0123abcd.pdf", mimetype="application/pdf", max_age=0)
        response.direct_passthrough = False
        assert response.get_data() == b"%PDF-1.4"
