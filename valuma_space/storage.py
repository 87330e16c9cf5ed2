"""Where uploaded files live, behind one small interface.

Attachments, their image widths and the workspace's logo and cover are saved, served and deleted
through `upload_storage()`, never through a path: today a directory (UPLOAD_DIR, on NFS or another
shared disk when several servers run), later perhaps an object store, with no caller changing.

A file is written under a temporary name in the same directory and renamed into place when
complete (`os.replace`, atomic on one file system): another server reading the shared directory
sees either no file or the whole file, never a half-written one.
"""

from __future__ import annotations

import io
import os
import tempfile
from pathlib import Path
from typing import IO, Protocol

from flask import Flask, Response, current_app, send_from_directory
from werkzeug.exceptions import NotFound
from werkzeug.security import safe_join

EXTENSION = "valuma_storage"
_CHUNK = 64 * 1024
_TEMP_PREFIX = ".part-"
"""Temporary files start so: hidden, and never a name we give (those are hex tokens)."""
# Read once, at import (setting it is the only way to read it): the mode files get.
_UMASK = os.umask(0o022)
os.umask(_UMASK)


class TooLarge(ValueError):
    """The stream held more than the caller allowed; nothing was kept."""


class Storage(Protocol):
    """Files by a flat name of our own (no folders): what uploads need of a store."""

    def save(self, name: str, stream: IO[bytes], max_bytes: int | None = None) -> int:
        """Store the stream under `name`, all or nothing; returns its size. TooLarge past
        `max_bytes`."""
        ...

    def save_bytes(self, name: str, data: bytes) -> None: ...

    def open(self, name: str) -> IO[bytes]: ...

    def exists(self, name: str) -> bool: ...

    def delete(self, name: str) -> None:
        """Remove the file; a missing one is no error."""
        ...

    def response(
        self,
        name: str,
        *,
        mimetype: str | None = None,
        as_attachment: bool = False,
        download_name: str | None = None,
        max_age: int | None = None,
    ) -> Response:
        """The file as an HTTP response (404 when it is missing)."""
        ...


class LocalDirectoryStorage:
    """Files in one directory of the local (or a shared, mounted) file system."""

    def __init__(self, directory: str | Path) -> None:
        self.directory = Path(directory)

    def _path(self, name: str) -> Path:
        # Names are ours, but a name that would leave the directory is refused all the same.
        joined = safe_join(str(self.directory), name)
        if not name or joined is None or "/" in name or name.startswith("."):
            raise ValueError(f"not a stored file's name: {name!r}")
        return Path(joined)

    def save(self, name: str, stream: IO[bytes], max_bytes: int | None = None) -> int:
        target = self._path(name)
        self.directory.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=_TEMP_PREFIX, dir=self.directory)
        size = 0
        try:
            with os.fdopen(handle, "wb") as out:
                while chunk := stream.read(_CHUNK):
                    size += len(chunk)
                    if max_bytes is not None and size > max_bytes:
                        raise TooLarge(name)
                    out.write(chunk)
                out.flush()
                # On disk before it has its name: a crash leaves a temporary file, never a
                # short one under the real name.
                os.fsync(out.fileno())
            # mkstemp makes the file readable by its owner only: given the mode a plain open()
            # would have, other servers' workers read it as they did before.
            os.chmod(temporary, 0o666 & ~_UMASK)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return size

    def save_bytes(self, name: str, data: bytes) -> None:
        self.save(name, io.BytesIO(data))

    def open(self, name: str) -> IO[bytes]:
        return self._path(name).open("rb")

    def exists(self, name: str) -> bool:
        return self._path(name).is_file()

    def delete(self, name: str) -> None:
        self._path(name).unlink(missing_ok=True)

    def response(
        self,
        name: str,
        *,
        mimetype: str | None = None,
        as_attachment: bool = False,
        download_name: str | None = None,
        max_age: int | None = None,
    ) -> Response:
        try:
            self._path(name)
        except ValueError:
            raise NotFound() from None
        return send_from_directory(
            self.directory,
            name,
            mimetype=mimetype,
            as_attachment=as_attachment,
            download_name=download_name,
            max_age=max_age,
        )


def init_app(app: Flask) -> None:
    app.extensions[EXTENSION] = LocalDirectoryStorage(app.config["UPLOAD_DIR"])


def upload_storage() -> Storage:
    """The app's store of uploaded files."""
    storage = current_app.extensions[EXTENSION]
    # A directory store follows UPLOAD_DIR: a setting changed after start-up (tests point each
    # at its own folder) takes effect at once.
    if isinstance(storage, LocalDirectoryStorage) and str(storage.directory) != str(
        current_app.config["UPLOAD_DIR"]
    ):
        storage = current_app.extensions[EXTENSION] = LocalDirectoryStorage(
            current_app.config["UPLOAD_DIR"]
        )
    return storage  # type: ignore[no-any-return]
