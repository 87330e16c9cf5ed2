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

# Measured on the 1,000-comment section page (1.23 MB of HTML, about 21 ms to render on the
# 2-core development machine): gzip level 6, zlib's own default, sends 60 KB and takes 9 ms.
# Levels 1 to 5 take 3.5 to 7 ms but send 8-28 % more; level 9 sends 4 % less for 55 % more
# time. Ordinary pages are a tenth of that size and cost well under a millisecond at any level.
GZIP_LEVEL = 6
# Browsers all accept Brotli, so this is what most responses get: quality 4 sends 39 KB of that
# page in 5 ms, smaller and faster than gzip at any level. Quality 5 is 10 % smaller and twice
# as slow; the higher ones are for files compressed once ahead of time, not per request.
BROTLI_LEVEL = 4
# Under a kilobyte a body fits in one packet as it is: compressing it saves no round trip.
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
