"""Where the dashboard is served: its path prefix, and whether the browser reached it over https."""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.types import Scope
from streamlit import config


def base_path() -> str:
    """Streamlit's ``server.baseUrlPath`` as a path prefix: "" or e.g. "/dasbor"."""
    base = str(config.get_option("server.baseUrlPath") or "").strip("/")
    return f"/{base}" if base else ""


def is_https(headers: Headers, scope: Scope) -> bool:
    """Whether the browser reached us over https (directly, or through a proxy saying so)."""
    forwarded = headers.get("x-forwarded-proto", "").split(",")[0].strip().lower()
    return scope.get("scheme") in ("https", "wss") or forwarded == "https"
