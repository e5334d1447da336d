"""Set-up and everyday commands, with nothing but Python 3.11+ and pip.

    python3 dev.py start   # the dashboard on the bundled demo data
    python3 dev.py test    # the whole test suite

Each command creates the virtual environment ``.venv`` on first use and
reinstalls the dependencies whenever ``pyproject.toml`` changes.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import subprocess
import sys
import venv
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")


def ensure_environment() -> None:
    """Create .venv and install the project with its test extras, once per pyproject.toml."""
    if sys.version_info < (3, 11):
        sys.exit("Python 3.11 atau lebih baru diperlukan / Python 3.11+ is required.")
    if not PYTHON.exists():
        print("Membuat lingkungan virtual .venv ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()[:16]
    stamp = VENV / f".installed-{digest}"
    if stamp.exists():
        return
    with one_at_a_time(VENV / ".installing"):  # the test workers' browser fixtures may all ask at once
        if stamp.exists():
            return
        print("Memasang dependensi (sekali saja) ...", flush=True)
        pip = [str(PYTHON), "-m", "pip", "install", "--disable-pip-version-check", "-q"]
        subprocess.run([*pip, "--upgrade", "pip"], check=True)
        subprocess.run([*pip, "-e", f"{ROOT}[test]"], check=True)
        for old in VENV.glob(".installed-*"):
            old.unlink()
        stamp.touch()


@contextlib.contextmanager
def one_at_a_time(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on the file ``path`` (created if missing) for the ``with`` block, where locks exist."""
    with open(path, "a") as handle:
        try:
            import fcntl
        except ImportError:  # Windows: no advisory locks in the standard library
            yield
            return
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def main(argv: list[str]) -> int:
    command, rest = (argv[0], argv[1:]) if argv else ("", [])
    if command not in {"start", "test"}:
        print(__doc__)
        return 2
    ensure_environment()
    if command == "start":
        args = [str(PYTHON), "-m", "streamlit", "run", str(ROOT / "dashboard.py"), *rest]
    else:
        args = [str(PYTHON), "-m", "pytest", *rest]
    return run(args)


def run(args: list[str]) -> int:
    """Run ``args`` to its end and return its exit code.

    Ctrl-C in the terminal reaches the child too (same process group): this
    process then waits for it to finish its own clean-up (pytest tears down
    its fixtures, stopping every server a test started; streamlit shuts down)
    rather than killing it on the spot and leaving those servers running.
    """
    process = subprocess.Popen(args, cwd=ROOT)
    while True:
        try:
            return process.wait()
        except KeyboardInterrupt:
            continue


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
