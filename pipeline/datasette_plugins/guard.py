"""Datasette plugin: who may reach hmic serve, and who may write through it.

Every request must name 127.0.0.1, localhost or a `--host-name` in its Host
header, so a web page that rebinds its own DNS name to 127.0.0.1 is refused
(read-only mode too). A request that could write (anything but GET, HEAD or
OPTIONS) is refused when it comes from another origin, when it carries no
CSRF cookie (Datasette's CSRF check skips cookie-less requests, and a
cross-site form post sends none), or when it asks for a Bearer token (which
that check skips too). Datasette's own check then compares the form's
csrftoken with the cookie.

Configured by pipeline/serve.py under the "hmic-serve" plugin key.
"""

from __future__ import annotations

from http.cookies import SimpleCookie
from urllib.parse import urlsplit

from datasette import hookimpl
from datasette.utils.asgi import Response

PLUGIN = "hmic-serve"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
LOCAL_HOSTS = ("127.0.0.1", "localhost")
CSRF_COOKIE = "ds_csrftoken"


def host_name(host: str) -> str:
    """The name in a Host header, without its port, lower-cased.

    >>> host_name("LocalHost:8001")
    'localhost'
    """
    return (urlsplit(f"//{host}").hostname or "") if host else ""


def request_refusal(
    method: str, headers: dict[str, str], host_names: tuple[str, ...] = ()
) -> tuple[int, str] | None:
    """(status, reason) when the request must be refused, else None.

    `headers` has lower-case names. A write must come from the page's own
    origin (when the browser says which) and carry the CSRF cookie.
    """
    allowed = {*LOCAL_HOSTS, *(name.lower() for name in host_names)}
    host = headers.get("host", "")
    if host_name(host) not in allowed:
        return 400, (
            f"Host {host!r} is not served here: use http://127.0.0.1 or "
            "http://localhost (or start hmic serve with --host-name NAME)"
        )
    if method.upper() in SAFE_METHODS:
        return None
    origin = headers.get("origin")
    fetch_site = headers.get("sec-fetch-site")
    # A page served with Referrer-Policy: no-referrer (Datasette's are) posts
    # with "Origin: null"; the browser's Sec-Fetch-Site still says whose it is.
    if origin == "null" and fetch_site == "same-origin":
        origin = None
    if origin is not None and urlsplit(origin).netloc.lower() != host.lower():
        return 403, f"Cross-site request refused: Origin {origin!r} is not {host!r}"
    if fetch_site in ("cross-site", "same-site"):
        return 403, f"Cross-site request refused (Sec-Fetch-Site: {fetch_site})"
    if headers.get("authorization", "").startswith("Bearer "):
        return 403, "Bearer tokens are not accepted here; sign in at /-/login"
    cookies = SimpleCookie(headers.get("cookie", ""))
    if CSRF_COOKIE not in cookies:
        return 403, (
            "CSRF token missing: open the form in the browser and submit it from there"
        )
    return None


def scope_headers(scope: dict) -> dict[str, str]:
    """The request's headers as {lower-case name: value} (last one wins)."""
    return {
        name.decode("latin-1").lower(): value.decode("latin-1")
        for name, value in scope.get("headers") or []
    }


@hookimpl
def asgi_wrapper(datasette):
    def wrap(app):
        async def guarded(scope, receive, send):
            if scope["type"] == "http":
                config = datasette.plugin_config(PLUGIN) or {}
                refusal = request_refusal(
                    scope["method"],
                    scope_headers(scope),
                    tuple(config.get("host_names") or ()),
                )
                if refusal is not None:
                    status, reason = refusal
                    await Response.text(reason, status=status).asgi_send(send)
                    return
            await app(scope, receive, send)

        return guarded

    return wrap
