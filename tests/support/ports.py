"""Free TCP ports for the servers the tests start (Streamlit, nginx), safe when the suite runs in several workers.

A port is free when it is asked for and taken by the server a moment later.
Under pytest-xdist, two workers asking at once could be given the same port;
so the ports are dealt out among the workers (``PYTEST_XDIST_WORKER`` "gw0",
"gw1", ... and ``PYTEST_XDIST_WORKER_COUNT``, which xdist sets) by a checksum
of the port's number, and each worker takes only its own. Not by the number
itself: Linux gives out ports of one parity for ``bind(("", 0))``, keeping
the other for outgoing connections. Outside xdist every port will do.
"""

from __future__ import annotations

import os
import socket
import zlib
from collections.abc import Mapping


def worker_share(environ: Mapping[str, str] = os.environ) -> tuple[int, int]:
    """This process's worker number and the number of workers: (0, 1) outside pytest-xdist."""
    worker, count = environ.get("PYTEST_XDIST_WORKER", ""), environ.get("PYTEST_XDIST_WORKER_COUNT", "")
    if not (worker.startswith("gw") and worker[2:].isdigit() and count.isdigit() and int(count) > 0):
        return 0, 1
    return int(worker[2:]) % int(count), int(count)


def dealt_to(port: int, count: int) -> int:
    """The worker (0 .. count-1) that may take ``port``."""
    return zlib.crc32(port.to_bytes(2, "big")) % count


def free_port(environ: Mapping[str, str] = os.environ) -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now, and that no other worker of this run is given."""
    index, count = worker_share(environ)
    while True:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if dealt_to(port, count) == index:
            return port


def free_ports(count: int, environ: Mapping[str, str] = os.environ) -> list[int]:
    """``count`` different ports, each as ``free_port`` gives one.

    A port asked for is free again until its server takes it, and the kernel can hand the same one out twice in a
    row (2 times in 20,000 here): nginx once got one port for both http and https, and refused its configuration.
    """
    ports: list[int] = []
    while len(ports) < count:
        port = free_port(environ)
        if port not in ports:
            ports.append(port)
    return ports
