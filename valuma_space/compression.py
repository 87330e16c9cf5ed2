"""Text responses compressed for the clients that ask (Accept-Encoding): Brotli or gzip.

Werkzeug picks the encoding the client prefers and Flask-Compress does the rest: it compresses,
marks a strong ETag with the encoding (`"abc"` becomes `"abc:gzip"`, since the bytes differ) and
answers If-None-Match against that. Every response says `Vary: Accept-Encoding`. A client that
sends no Accept-Encoding (or refuses both encodings) gets the same bytes as before.

Not compressed: bodies under MIN_SIZE (they fit in one packet anyway), and streamed responses.
The exports stream (valuma_space/exports/routes.py): compressing them would hold back each
chunk until the compressor's buffer fills, and they are downloaded once, so they go as they are.
Files sent from disk (attachments, large static files) are streams as well; static style sheets
and scripts are served from memory and are compressed (valuma_space/assets.py).
"""

from __future__ import annotations

from flask import Flask, Response, request
from flask_compress import Compress

# Level 6 (zlib's own default) gives nearly all of what gzip can save on HTML: level 9 is a
# few per cent smaller and two to three times slower, level 1 is about twice as fast and a
# tenth larger. A 1,000-comment section page takes a few milliseconds at 6, a small part
# of rendering it (see bench numbers in the commit that added this).
GZIP_LEVEL = 6
# Brotli's quality 4 is about as fast as gzip 6 and smaller; the higher qualities are meant for
# files compressed once, ahead of time, not per request.
BROTLI_LEVEL = 4
MIN_SIZE = 1024
MIMETYPES = [
    "text/html",
    "text/css",
    "text/javascript",
    "application/javascript",
    "application/json",
    "image/svg+xml",
    "text/csv",
    "text/plain",
    "text/markdown",
]
ENCODINGS = ("br", "gzip")  # for a tie in the client's weights, Brotli: smaller at the same speed


def init_app(app: Flask) -> None:
    app.config.update(
        COMPRESS_MIMETYPES=MIMETYPES,
        COMPRESS_LEVEL=GZIP_LEVEL,
        COMPRESS_BR_LEVEL=BROTLI_LEVEL,
        COMPRESS_MIN_SIZE=MIN_SIZE,
        COMPRESS_STREAMS=False,
        COMPRESS_REGISTER=False,
    )
    # Werkzeug chooses the encoding and Flask-Compress applies it, one compressor for each:
    # Flask-Compress's own choice takes an encoding the client refused by name
    # ("gzip;q=0", RFC 9110 12.5.3) when nothing else is left.
    compressors = {}
    for encoding in ENCODINGS:
        app.config["COMPRESS_ALGORITHM"] = [encoding]
        compressors[encoding] = Compress()
        compressors[encoding].init_app(app)
    app.config["COMPRESS_ALGORITHM"] = list(ENCODINGS)

    @app.after_request
    def compress_response(response: Response) -> Response:
        encoding = request.accept_encodings.best_match(ENCODINGS)
        if encoding is None:
            response.vary.add("Accept-Encoding")
            return response
        return compressors[encoding].after_request(response)
