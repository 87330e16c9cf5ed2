"""Static files under names that carry a hash of their content, so browsers keep them a year.

At start-up every file in the static folder is read once and given a name with the first
characters of its SHA-256 (`css/site.css` is served as `css/site.3f2a9c1b0d4e.css`). Templates
keep calling `url_for('static', filename='css/site.css')`: a URL default swaps in the hashed
name, so no template has to know. A changed file gets a new name at the next start, and what a
browser kept under the old one is never asked for again: hence `immutable`.

The files under a hashed name are served from the bytes read at start-up, so that what a name
promises is what it gives even if the file on disk changed since, and so that the response is
not a stream and may be compressed (valuma_space/compression.py). The folder holds the app's
own style sheets, scripts and icons (uploads live elsewhere); a file larger than
`IN_MEMORY_LIMIT` is sent from disk instead, uncompressed. Under the debugger (`flask valuma
serve`) the folder is read again whenever a file in it changes, so an edited style sheet shows
at the next reload without a restart.

A name that is not hashed (`/static/css/site.css`) is served as Flask always did, revalidated on
every use. A hashed name whose hash is not the current one (a page cached from before a
deployment) gets the current file, revalidated too, rather than an error: the page then looks
as it should.
"""

from __future__ import annotations

import hashlib
import mimetypes
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask, Response, current_app, request, send_file

HASH_LENGTH = 12  # 48 bits of SHA-256: no two versions of one file will share a name
YEAR = 365 * 24 * 3600
IMMUTABLE = f"public, max-age={YEAR}, immutable"
IN_MEMORY_LIMIT = 1024 * 1024
EXTENSION_KEY = "valuma_assets"

# name.<hash>.ext, or name.<hash> for a file without an extension: any hash length a former
# scheme could have used, so that an old address finds the current file.
_HASHED = re.compile(r"^(?P<stem>.+)\.(?P<hash>[0-9a-f]{6,64})(?P<suffix>\.[^./]+)?$")


@dataclass(frozen=True)
class Asset:
    name: str
    """The file's path under the static folder, as templates name it: `css/site.css`."""
    hashed_name: str
    """The name it is served under: `css/site.3f2a9c1b0d4e.css`."""
    digest: str
    """SHA-256 of the content, in hex; the strong ETag."""
    mimetype: str
    path: Path
    body: bytes | None
    """The content as read at start-up, or None for a file over IN_MEMORY_LIMIT."""


def hashed_name(name: str, digest: str) -> str:
    """`css/site.css` → `css/site.<hash>.css`; `LICENSE` → `LICENSE.<hash>`."""
    return _with_hash(name, digest[:HASH_LENGTH])


def _with_hash(name: str, short: str) -> str:
    folder, _, filename = name.rpartition("/")
    stem, dot, suffix = filename.rpartition(".")
    if not dot or not stem:  # no extension
        stem, suffix = filename, ""
    new = f"{stem}.{short}.{suffix}" if suffix else f"{stem}.{short}"
    return f"{folder}/{new}" if folder else new


class Manifest:
    """The static folder's files by their plain and their hashed names, read once."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self.by_name: dict[str, Asset] = {}
        self.by_hashed_name: dict[str, Asset] = {}
        self.signature = self._signature()
        for path, name in self._files():
            content = path.read_bytes()
            digest = hashlib.sha256(content).hexdigest()
            asset = Asset(
                name=name,
                hashed_name=hashed_name(name, digest),
                digest=digest,
                mimetype=mimetypes.guess_type(name)[0] or "application/octet-stream",
                path=path,
                body=content if len(content) <= IN_MEMORY_LIMIT else None,
            )
            self.by_name[name] = asset
            self.by_hashed_name[asset.hashed_name] = asset

    def _files(self) -> list[tuple[Path, str]]:
        """Each file and its name under the folder, hidden ones (`.gitkeep`) left out."""
        if self.folder is None or not self.folder.is_dir():
            return []
        found = []
        for path in sorted(self.folder.rglob("*")):
            relative = path.relative_to(self.folder)
            if path.is_file() and not any(part.startswith(".") for part in relative.parts):
                found.append((path, relative.as_posix()))
        return found

    def _signature(self) -> list[tuple[str, int, int]]:
        stats = [(name, path.stat()) for path, name in self._files()]
        return [(name, stat.st_mtime_ns, stat.st_size) for name, stat in stats]

    def changed(self) -> bool:
        """Whether a file was added, removed or edited since this manifest was read."""
        return self._signature() != self.signature

    def lookup(self, filename: str) -> tuple[Asset | None, bool]:
        """The asset a requested name stands for, and whether the name is its current one."""
        asset = self.by_hashed_name.get(filename)
        if asset is not None:
            return asset, True
        match = _HASHED.match(filename)
        if match is None:
            return None, False
        plain = match["stem"] + (match["suffix"] or "")
        asset = self.by_name.get(plain)
        if asset is None or _with_hash(plain, match["hash"]) != filename:
            return None, False  # e.g. site.css.<hash>: no name this scheme ever gave
        return asset, False


def init_app(app: Flask) -> None:
    folder = app.static_folder
    app.extensions[EXTENSION_KEY] = Manifest(Path(folder) if folder else None)

    @app.url_defaults
    def hashed_static_names(endpoint: str, values: dict[str, Any]) -> None:
        if endpoint != "static":
            return
        asset = current_manifest().by_name.get(values.get("filename", ""))
        if asset is not None:
            values["filename"] = asset.hashed_name

    app.view_functions["static"] = serve_static


def current_manifest() -> Manifest:
    """The manifest read at start-up; under the debugger read again whenever a file changed,
    so that a style sheet edited during development shows on the next reload."""
    manifest: Manifest = current_app.extensions[EXTENSION_KEY]
    if current_app.debug and manifest.changed():
        manifest = current_app.extensions[EXTENSION_KEY] = Manifest(manifest.folder)
    return manifest


def serve_static(filename: str) -> Response:
    manifest = current_manifest()
    if filename not in manifest.by_name:
        asset, current = manifest.lookup(filename)
        if asset is not None:
            return _send(asset, IMMUTABLE if current else "no-cache")
    # A plain name (or none we know): Flask's own way, from disk, revalidated each time.
    return current_app.send_static_file(filename)


def _send(asset: Asset, cache_control: str) -> Response:
    if asset.body is None:
        # send_file answers conditional and range requests itself.
        response = send_file(asset.path, mimetype=asset.mimetype, etag=asset.digest)
    else:
        response = Response(asset.body, mimetype=asset.mimetype)
        response.set_etag(asset.digest)
        response.make_conditional(request)
    response.headers["Cache-Control"] = cache_control
    return response
