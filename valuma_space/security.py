"""Response headers and cookie rules that every response carries, error pages included."""

from __future__ import annotations

from flask import Flask, Response, g, has_request_context
from flask_login import current_user

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def init_app(app: Flask) -> None:
    hsts = app.config.get("HSTS", False)

    @app.after_request
    def set_security_headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers["X-Content-Type-Options"] = "nosniff"
        headers["Referrer-Policy"] = "same-origin"
        headers["X-Frame-Options"] = "DENY"
        headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
        if hsts:
            headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        # A page made for one signed-in person stays out of shared caches and the browser's
        # disk. What a view built for conditional requests (an ETag, a 304) keeps its own rule.
        if (
            response.mimetype == "text/html"
            and "ETag" not in headers
            and "Cache-Control" not in headers
            and _signed_in()
        ):
            headers["Cache-Control"] = "private, no-store"
        return response


def _signed_in() -> bool:
    # Only when the request has loaded its user already: error pages must not start a query.
    if not has_request_context() or "_login_user" not in g:
        return False
    return bool(current_user.is_authenticated)
