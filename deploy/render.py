"""Fill deploy/nginx.conf.template: nginx with TLS in front of several dashboard processes.

    .venv/bin/python deploy/render.py --ports 8501 8502 --server-name dasbor.kedirikab.go.id \\
        --certificate /etc/ssl/dasbor/fullchain.pem --certificate-key /etc/ssl/dasbor/privkey.pem \\
        --prefix /var/lib/dasbor-nginx --user www-data --out /etc/nginx/dasbor.conf

Run it with the dashboard's own Python: the Content-Security-Policy allows
Streamlit's one inline script by its hash, read from the installed Streamlit
(render again after upgrading Streamlit). docs/deploy.md explains every part.
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
_PLACEHOLDER = re.compile(r"\{\{([A-Z_]+)\}\}")
_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)


def streamlit_index() -> Path:
    """The index.html the installed Streamlit serves."""
    import streamlit

    return Path(streamlit.__file__).parent / "static" / "index.html"


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
) -> str:
    """The nginx configuration with every placeholder filled."""
    template = TEMPLATE.read_text(encoding="utf-8") if template is None else template
    index_html = streamlit_index().read_text(encoding="utf-8") if index_html is None else index_html
    values = {
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
    parser.add_argument("--out", type=Path, help="write here (default: standard output)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    text = rendered(ports=args.ports, servers=args.servers, prefix=args.prefix.resolve(), certificate=args.certificate.resolve(),
                    certificate_key=args.certificate_key.resolve(), server_name=args.server_name,
                    listen=args.listen, http_port=args.http_port, https_port=args.https_port, user=args.user)
    prepare_prefix(args.prefix.resolve())
    if args.out is None:
        sys.stdout.write(text)
    else:
        args.out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
