"""nginx rendered from deploy/, run by the tests' own user, and plain HTTP(S) requests to it.

Debian's package (``/usr/sbin/nginx``) is started from the rendered
configuration with a prefix folder in /tmp, ports above 1024 on 127.0.0.1 and no
``user`` directive. Without the package the tests that need it are skipped on a
developer's machine and fail under ``CI=true``. Used by ``tests/test_nginx.py``
(stand-in processes behind nginx) and ``tests/e2e/test_deploy_browser.py`` (the
dashboard itself).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from deploy import render
from tests.support.ports import free_ports

NGINX = Path("/usr/sbin/nginx")
STARTUP_TIMEOUT_S = 60


def nginx_or_skip() -> Path:
    """Debian's nginx; skipped on a developer's machine without it, a failure in CI."""
    if NGINX.exists() and os.access(NGINX, os.X_OK):
        return NGINX
    message = f"{NGINX} not found: install Debian's nginx (apt-get install nginx) to run the deployment tests"
    if os.environ.get("CI"):
        pytest.fail(message + " — CI must run them")
    pytest.skip(message)


def self_signed_certificate(folder: Path, host: str = "127.0.0.1") -> tuple[Path, Path]:
    """A certificate for ``host`` valid for a day, and its key, as PEM files in ``folder``."""
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)])
    now = dt.datetime.now(dt.timezone.utc)
    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5)).not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(host))]), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    key_path.chmod(0o600)
    return cert_path, key_path


@dataclass(frozen=True)
class Nginx:
    """A running nginx: its https and http base URLs and its folder (logs/access.log, nginx.conf)."""

    https: str
    http: str
    prefix: Path
    config: str

    @property
    def access_log(self) -> Path:
        return self.prefix / "logs" / "access.log"

    def logged(self) -> list[str]:
        """Every line of the access log so far."""
        return self.access_log.read_text(encoding="utf-8").splitlines() if self.access_log.exists() else []

    def logged_after(self, before: int) -> list[str]:
        """The lines logged after the first ``before``, once there is one (nginx writes a line as it answers)."""
        deadline = time.monotonic() + 10
        while len(lines := self.logged()) <= before and time.monotonic() < deadline:
            time.sleep(0.05)
        return lines[before:]

    def errors(self) -> str:
        """The end of nginx's error log (what it said about its upstream connections), for a failure's message."""
        error_log = self.prefix / "logs" / "error.log"
        return error_log.read_text(encoding="utf-8", errors="replace")[-3000:] if error_log.exists() else ""

    def upstream(self, line: str) -> str:
        """The process that answered a logged request ("-" when nginx answered itself)."""
        found = re.search(r"upstream=(\S+)", line)
        return found.group(1) if found else ""


def listening(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


@contextmanager
def running_nginx(ports: Sequence[int], static: bool = False) -> Iterator[Nginx]:
    """nginx rendered from deploy/ in front of ``ports``, on free ports of 127.0.0.1, stopped at exit.

    ``static``: nginx sends Streamlit's static files itself, from a compressed copy in its folder (as
    ``deploy/render.py`` renders it); otherwise the dashboard processes send them.
    """
    nginx = nginx_or_skip()
    # Workers of an nginx started by root run as "nobody": the folder must be theirs to enter.
    prefix = Path(tempfile.mkdtemp(prefix="dasbor-nginx-"))
    prefix.chmod(0o755)
    try:
        certificate, key = self_signed_certificate(prefix)
        http_port, https_port = free_ports(2)
        config = render.rendered(ports=ports, prefix=prefix, certificate=certificate, certificate_key=key,
                                 listen="127.0.0.1", http_port=http_port, https_port=https_port,
                                 static=render.static_copy(prefix) if static else None,
                                 brotli_module=render.installed_brotli_module())
        render.prepare_prefix(prefix)
        (prefix / "nginx.conf").write_text(config, encoding="utf-8")
        args = [str(nginx), "-p", str(prefix), "-c", str(prefix / "nginx.conf"), "-e", str(prefix / "logs/error.log")]
        checked = subprocess.run([*args, "-t"], capture_output=True, text=True, timeout=60)
        assert checked.returncode == 0, f"nginx -t refused the rendered configuration:\n{checked.stderr}"
        process = subprocess.Popen([*args, "-g", "daemon off;"], stdout=subprocess.DEVNULL,
                                   stderr=subprocess.PIPE, start_new_session=True)
        try:
            deadline = time.monotonic() + STARTUP_TIMEOUT_S
            while not (listening(https_port) and listening(http_port)):
                if process.poll() is not None or time.monotonic() > deadline:
                    error_log = (prefix / "logs/error.log").read_text(errors="replace")[-3000:]
                    pytest.fail(f"nginx did not start (exit code {process.poll()}):\n{error_log}")
                time.sleep(0.1)
            yield Nginx(f"https://127.0.0.1:{https_port}", f"http://127.0.0.1:{http_port}", prefix, config)
        finally:
            process.send_signal(signal.SIGQUIT)  # graceful: workers finish, then the master ends
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=15)
    finally:
        shutil.rmtree(prefix, ignore_errors=True)


def unverified() -> ssl.SSLContext:
    """TLS without checking the certificate (it is self-signed)."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, list[str]]
    body: bytes

    def header(self, name: str) -> str | None:
        values = self.headers.get(name.lower())
        return values[0] if values else None


def fetch(url: str, headers: dict[str, str] | None = None) -> Answer:
    """One GET, redirects not followed, certificate not checked; any status is an answer."""
    opener = urllib.request.build_opener(_NoRedirect, urllib.request.HTTPSHandler(context=unverified()))
    request = urllib.request.Request(url, headers=headers or {})
    try:
        response = opener.open(request, timeout=30)
    except urllib.error.HTTPError as error:
        response = error
    with response:
        found: dict[str, list[str]] = {}
        for name, value in response.headers.items():
            found.setdefault(name.lower(), []).append(value)
        return Answer(response.status, found, response.read())
