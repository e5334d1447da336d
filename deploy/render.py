"""Fill deploy/nginx.conf.template: nginx with TLS in front of several dashboard processes.

    .venv/bin/python deploy/render.py --ports 8501 8502 --server-name dasbor.kedirikab.go.id \\
        --certificate /etc/ssl/dasbor/fullchain.pem --certificate-key /etc/ssl/dasbor/privkey.pem \\
        --prefix /var/lib/dasbor-nginx --user www-data --out /etc/nginx/dasbor.conf

Run it with the dashboard's own Python: the Content-Security-Policy allows
the page's inline scripts by their hashes, read from the installed Streamlit and
the dashboard (``pages/server/document.py``), and nginx sends Streamlit's scripts and
styles itself from a copy compressed once (``deploy/compress.py``, written under
``--prefix``/static). Render again after upgrading Streamlit. docs/deploy.md
explains every part.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import re
import sys
from collections.abc import Sequence
from pathlib import Path

TEMPLATE = Path(__file__).resolve().parent / "nginx.conf.template"
ROOT = Path(__file__).resolve().parent.parent
# Debian's libnginx-mod-http-brotli-static: nginx sends a file's .br beside it to browsers that accept Brotli.
BROTLI_STATIC_MODULE = Path("/usr/lib/nginx/modules/ngx_http_brotli_static_module.so")
# What Streamlit's static folder holds, by extension (the template sets no other types).
STATIC_TYPES = {
    "text/html": "html", "text/css": "css", "text/javascript": "js mjs", "application/json": "json map",
    "image/svg+xml": "svg", "image/png": "png", "image/gif": "gif", "image/x-icon": "ico",
    "font/woff2": "woff2", "font/woff": "woff", "font/ttf": "ttf", "application/wasm": "wasm",
}
_PLACEHOLDER = re.compile(r"\{\{([A-Z_]+)\}\}")
_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)


def streamlit_index() -> Path:
    """The index.html the installed Streamlit serves."""
    import streamlit

    return Path(streamlit.__file__).parent / "static" / "index.html"


def served_index() -> str:
    """The page the dashboard sends: Streamlit's index.html with the dashboard's language script (pages/server/)."""
    from pages.server import document

    return document.document_in_language(streamlit_index().read_text(encoding="utf-8"), "id")


def inline_script_hashes(html: str) -> list[str]:
    """CSP sources (``'sha256-...'``) of every inline ``<script>`` in ``html``, in order."""
    return [
        "'sha256-" + base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode("ascii") + "'"
        for body in _INLINE_SCRIPT.findall(html)
    ]


def content_security_policy(script_hashes: Sequence[str]) -> str:
    """The policy under which the dashboard works, and nothing else loads or runs.

    Streamlit needs: its own scripts plus one inline script (by hash);
    WebAssembly compilation (its protobuf decoder's 64-bit arithmetic; no
    JavaScript eval); inline styles (its CSS-in-JS and Plotly write style
    attributes and tags); images from data: and blob: URLs (charts, icons,
    exported PNGs); web workers and downloads from blob: URLs; the websocket
    back to this same site.
    """
    directives = {
        "default-src": ["'self'"],
        "script-src": ["'self'", "'wasm-unsafe-eval'", *script_hashes],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "worker-src": ["'self'", "blob:"],
        "frame-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in directives.items())


def process_addresses(ports: Sequence[int] = (), servers: Sequence[str] = ()) -> list[str]:
    """``host:port`` of every dashboard process: ``ports`` on this machine, ``servers`` anywhere."""
    found = [f"127.0.0.1:{int(port)}" for port in ports]
    for server in servers:
        host, _, port = server.rpartition(":")
        if not host or not port.isdigit() or any(c in host for c in " ;{}"):
            raise ValueError(f"A dashboard process is HOST:PORT, not {server!r}.")
        found.append(f"{host}:{int(port)}")
    if not found:
        raise ValueError("At least one dashboard process is needed (--ports or --servers).")
    return found


def upstream_servers(addresses: Sequence[str]) -> str:
    """The ``server`` lines of the upstream block: one per dashboard process."""
    if not addresses:
        raise ValueError("At least one dashboard process is needed.")
    return "\n".join(f"        server {address} max_fails=2 fail_timeout=10s;" for address in addresses)


def static_location(copy: Path | None, brotli_module: Path | None = None) -> str:
    """The https server's location for ``/static/``: nginx sends the compressed copy itself; None: proxied."""
    if copy is None:
        return "# Streamlit's static files: proxied to the dashboard (rendered without a compressed copy)."
    types = "\n".join(f"                {kind} {extensions};" for kind, extensions in STATIC_TYPES.items())
    lines = [
        "# Streamlit's scripts and styles: sent by nginx from the copy compressed once (deploy/compress.py),",
        "        # the .br or .gz beside each file as the browser accepts; a file not in the copy goes to the",
        "        # dashboard. Their names carry a hash of their content: cached for good.",
        "        location ^~ /static/ {",
        f"            root {copy};",
        "            types {",
        types,
        "            }",
        "            gzip_static on;",
    ]
    if brotli_module is not None:
        lines.append("            brotli_static on;")
    lines += [
        "            expires max;",
        "            try_files $uri @dasbor;",
        "        }",
        "        location @dasbor {",
        "            proxy_pass http://dasbor;",
        "        }",
    ]
    return "\n".join(lines)


def load_modules(brotli_module: Path | None) -> str:
    """The ``load_module`` lines of the configuration: Debian's brotli_static module when it is installed."""
    if brotli_module is None:
        return "# brotli_static: not installed (apt-get install libnginx-mod-http-brotli-static), gzip only"
    return f"load_module {brotli_module};"


def installed_brotli_module() -> Path | None:
    return BROTLI_STATIC_MODULE if BROTLI_STATIC_MODULE.exists() else None


def rendered(
    *,
    ports: Sequence[int] = (),
    servers: Sequence[str] = (),
    prefix: Path,
    certificate: Path,
    certificate_key: Path,
    server_name: str = "_",
    listen: str = "0.0.0.0",
    http_port: int = 80,
    https_port: int = 443,
    user: str | None = None,
    template: str | None = None,
    index_html: str | None = None,
    static: Path | None = None,
    brotli_module: Path | None = None,
) -> str:
    """The nginx configuration with every placeholder filled.

    ``static``: the compressed copy of Streamlit's static files nginx sends
    itself (``deploy/compress.py``); None proxies them to the dashboard.
    ``brotli_module``: Debian's brotli_static module, to send their ``.br``.
    """
    template = TEMPLATE.read_text(encoding="utf-8") if template is None else template
    index_html = served_index() if index_html is None else index_html
    values = {
        "LOAD_MODULES": load_modules(brotli_module) if static is not None else "# modules: none needed",
        "STATIC_LOCATION": static_location(static, brotli_module),
        "USER_DIRECTIVE": f"user {user};" if user else "# user: the user nginx was started as",
        "PREFIX": str(prefix),
        "UPSTREAM_SERVERS": upstream_servers(process_addresses(ports, servers)),
        "LISTEN": listen,
        "HTTP_PORT": str(http_port),
        "HTTPS_PORT": str(https_port),
        "HTTPS_PORT_SUFFIX": "" if https_port == 443 else f":{https_port}",
        "SERVER_NAME": server_name,
        "CERTIFICATE": str(certificate),
        "CERTIFICATE_KEY": str(certificate_key),
        "CONTENT_SECURITY_POLICY": content_security_policy(inline_script_hashes(index_html)),
    }
    missing = sorted(set(_PLACEHOLDER.findall(template)) - set(values))
    if missing:
        raise KeyError(f"The template names placeholders render.py does not fill: {missing}")
    return _PLACEHOLDER.sub(lambda m: values[m.group(1)], template)


def prepare_prefix(prefix: Path) -> None:
    """The folders nginx uses under ``prefix``: logs, temporary files, ACME challenges."""
    for sub in ("logs", "temp", "acme"):
        (prefix / sub).mkdir(parents=True, exist_ok=True)


def static_copy(prefix: Path) -> Path:
    """The compressed copy of the installed Streamlit's static files under ``prefix``/static (made once)."""
    from deploy import compress

    return compress.compressed_copy(compress.streamlit_static(), prefix / "static",
                                    brotli=compress.brotli_available())


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="deploy/render.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--ports", type=int, nargs="+", default=[],
                        help="ports of the dashboard processes on this machine (127.0.0.1)")
    parser.add_argument("--servers", nargs="+", default=[], metavar="HOST:PORT",
                        help="dashboard processes on other machines (with DASBOR_DATABASE_URL)")
    parser.add_argument("--prefix", type=Path, required=True, help="nginx's folder for pid, logs and temp files")
    parser.add_argument("--certificate", type=Path, required=True, help="TLS certificate chain (PEM)")
    parser.add_argument("--certificate-key", type=Path, required=True, help="its private key (PEM)")
    parser.add_argument("--server-name", default="_", help="host name(s) of the dashboard (default: any)")
    parser.add_argument("--listen", default="0.0.0.0", help="address nginx listens on (default 0.0.0.0)")
    parser.add_argument("--http-port", type=int, default=80)
    parser.add_argument("--https-port", type=int, default=443)
    parser.add_argument("--user", help="user of nginx's workers when started as root (e.g. www-data)")
    parser.add_argument("--proxy-static", action="store_true",
                        help="let the dashboard send Streamlit's static files (compressed there too) instead of "
                             "nginx sending them from a compressed copy under --prefix")
    parser.add_argument("--out", type=Path, help="write here (default: standard output)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    prefix = args.prefix.resolve()
    prepare_prefix(prefix)
    static = None if args.proxy_static else static_copy(prefix)
    text = rendered(ports=args.ports, servers=args.servers, prefix=prefix, certificate=args.certificate.resolve(),
                    certificate_key=args.certificate_key.resolve(), server_name=args.server_name,
                    listen=args.listen, http_port=args.http_port, https_port=args.https_port, user=args.user,
                    static=static, brotli_module=installed_brotli_module())
    if args.out is None:
        sys.stdout.write(text)
    else:
        args.out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))  # run as a script: the dashboard's packages (pages, deploy) from the repository
    sys.exit(main())
