"""Security headers on every response of the gateway (a pure ASGI middleware).

Why these: the staff dashboard and the operator console show workers' names, phone
numbers and conversations, so a page must not run script from anywhere but this site
(``Content-Security-Policy``), be framed by another site (clickjacking), be guessed into
another content type, leak its URL to other sites, or be kept in a shared cache.

The pages are written for this policy: no inline ``<script>``, ``on…=`` handler or
``style`` attribute; script and CSS come from ``/staff/static``, ``/console/static`` and
``/chat/static``; the staff dashboard turns htmx's inline indicator styles off. Only the
generated API documentation (``/docs``, ``/redoc``), which shows no personal data and holds
no session, loads its script from FastAPI's CDN with an inline start-up script.

Pure ASGI rather than ``BaseHTTPMiddleware``: it only edits the response's start message,
so streaming bodies and background tasks behave as without it, at no cost per body chunk.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["CONTENT_SECURITY_POLICY", "DOCS_CONTENT_SECURITY_POLICY", "SecurityHeaders"]

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    )
)
# FastAPI's Swagger UI and ReDoc pages: their bundles come from jsdelivr and they start with
# an inline script. They hold no session and no personal data; every other page stays strict.
_DOCS_CDN = "https://cdn.jsdelivr.net"
DOCS_CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        f"script-src 'self' 'unsafe-inline' {_DOCS_CDN}",
        f"style-src 'self' 'unsafe-inline' {_DOCS_CDN} https://fonts.googleapis.com",
        f"img-src 'self' data: https://fastapi.tiangolo.com {_DOCS_CDN}",
        "font-src 'self' https://fonts.gstatic.com",
        "worker-src 'self' blob:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    )
)
DOCS_PATHS = frozenset({"/docs", "/docs/oauth2-redirect", "/redoc"})
PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), "
    "accelerometer=(), gyroscope=(), magnetometer=()"
)
HSTS = "max-age=31536000; includeSubDomains"


class SecurityHeaders:
    """Add the security headers to every HTTP response that does not set them itself.

    ``Cache-Control: no-store`` is the default too: a response is cacheable only when its
    route says so (the static files do), so no page, export or API answer with personal
    data stays in a browser's or a proxy's cache. ``Strict-Transport-Security`` is sent
    only in production (``hsts=True``), where the gateway is reached over HTTPS.
    """

    def __init__(self, app: ASGIApp, *, hsts: bool = False) -> None:
        self.app = app
        common = [
            ("X-Content-Type-Options", "nosniff"),
            ("X-Frame-Options", "DENY"),
            ("Referrer-Policy", "no-referrer"),
            ("Permissions-Policy", PERMISSIONS_POLICY),
            ("Cross-Origin-Opener-Policy", "same-origin"),
            ("Cache-Control", "no-store"),
        ]
        if hsts:
            common.append(("Strict-Transport-Security", HSTS))
        self._pages = [("Content-Security-Policy", CONTENT_SECURITY_POLICY), *common]
        self._docs = [("Content-Security-Policy", DOCS_CONTENT_SECURITY_POLICY), *common]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        wanted = self._docs if scope.get("path") in DOCS_PATHS else self._pages

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in wanted:
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)
