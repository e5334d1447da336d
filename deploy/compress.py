"""Streamlit's static files compressed once: a copy with ``.gz`` and ``.br`` beside every text asset.

    .venv/bin/python -m deploy.compress                 # into the cache folder; prints where
    .venv/bin/python -m deploy.compress --out DIR       # into DIR/streamlit-<version>-<digest>

Streamlit sends its JavaScript and CSS uncompressed (its Plotly chunk alone is
4.7 MB): on a slow link the first visit waits for every byte. Compressing them
on every request costs CPU and memory in the dashboard process, so they are
compressed once per installed Streamlit, into a folder keyed by its version and
its ``index.html``, and then served as they are:

- by the dashboard itself (``pages/server/static.py``), which runs this module in a
  child process at start when the folder does not exist yet, and serves from
  it once it does;
- by nginx (``deploy/render.py`` writes a copy under nginx's prefix, served with
  ``gzip_static`` and, where Debian's module is installed, ``brotli_static``).

Compression uses ServeStatic's ``Compressor`` (gzip level 9; Brotli at its best
quality when the ``brotli`` module is installed), keeping a compressed file
only when it is at most 95% of the original. A folder is written under a
temporary name and renamed into place when complete, under a lock, so several
processes starting at once never serve half a copy.
"""

from __future__ import annotations

import argparse
import fcntl
import hashlib
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

COMPLETE = ".complete"  # written last into a finished copy
ENCODINGS = {"br": ".br", "gzip": ".gz"}  # content coding -> suffix of the compressed file


def streamlit_static() -> Path:
    """The folder of the installed Streamlit's own static files (index.html, static/js, static/css, ...)."""
    import streamlit

    return Path(streamlit.__file__).parent / "static"


def copy_name(source: Path) -> str:
    """The name of a compressed copy of ``source``: Streamlit's version and a digest of its index.html."""
    import streamlit

    index = (source / "index.html").read_bytes() if (source / "index.html").exists() else b""
    return f"streamlit-{streamlit.__version__}-{hashlib.sha256(index).hexdigest()[:12]}"


def cache_folders() -> list[Path]:
    """Where copies may be kept, in order of preference: the user's cache folder, then the temporary folder."""
    xdg = os.environ.get("XDG_CACHE_HOME")
    home = Path(xdg) if xdg else Path.home() / ".cache"
    return [home / "dasbor", Path(tempfile.gettempdir()) / f"dasbor-cache-{os.getuid()}"]


def writable(folder: Path) -> bool:
    """Whether ``folder`` exists (or can be made) and this process can write in it."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return False
    return os.access(folder, os.W_OK | os.X_OK)


def default_folder(source: Path | None = None) -> Path | None:
    """The cache folder for compressed copies: the first that already holds this one, else the first writable."""
    name = copy_name(source or streamlit_static())
    for folder in cache_folders():
        if is_complete(folder / name):
            return folder
    return next((folder for folder in cache_folders() if writable(folder)), None)


def is_complete(target: Path) -> bool:
    return (target / COMPLETE).exists()


def compressible(paths: Sequence[Path]) -> Iterator[Path]:
    """The files worth compressing: not images, fonts, archives or media (ServeStatic's list)."""
    from servestatic.compress import Compressor

    skip = Compressor.get_extension_re(Compressor.SKIP_COMPRESS_EXTENSIONS)
    return (path for path in paths if path.is_file() and not skip.search(path.name))


def compressed_copy(source: Path, folder: Path, *, brotli: bool = True, reuse: bool = True) -> Path:
    """``folder/<copy name>``: a copy of ``source`` with ``.gz`` (and ``.br``) beside each text file; made once.

    With ``reuse``, a finished copy of the same name in a cache folder is copied
    rather than compressed again. Safe to call from several processes at once:
    one makes it, the others wait for it and return it.
    """
    from servestatic.compress import Compressor

    folder = Path(folder)
    target = folder / copy_name(source)
    if is_complete(target):
        return target
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / f".{target.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if is_complete(target):
            return target
        if target.exists():  # left half-made by a process that died: make it again
            shutil.rmtree(target)
        for left in folder.glob(f".{target.name}.*"):  # work folders of processes that died while making it
            if left.is_dir():
                shutil.rmtree(left, ignore_errors=True)
        work = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=folder))
        try:
            copy = work / "copy"
            made = next((other for other in (f / target.name for f in cache_folders()) if reuse
                         and other != target and is_complete(other) and has_brotli(other) >= brotli), None)
            if made is not None:  # this Streamlit's copy is in the cache already (the dashboard made it)
                shutil.copytree(made, copy)
            else:
                shutil.copytree(source, copy, ignore=shutil.ignore_patterns("*.gz", "*.br", "*.zstd"))
                compressor = Compressor(use_gzip=True, use_brotli=brotli, use_zstd=False, quiet=True)
                for path in compressible(sorted(copy.rglob("*"))):
                    compressor.compress(str(path))
                (copy / COMPLETE).write_text(target.name + "\n", encoding="utf-8")
            copy.chmod(0o755)
            os.rename(copy, target)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    return target


def has_brotli(copy: Path) -> bool:
    """Whether a finished copy holds Brotli files (it was made with the brotli module installed)."""
    return any(copy.rglob("*.br"))


def brotli_available() -> bool:
    try:
        import brotli  # noqa: F401
    except ImportError:
        return False
    return True


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m deploy.compress", description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=None,
                        help="the folder to write the copy into (default: the cache folder); the copy is "
                             "named after Streamlit's version")
    parser.add_argument("--no-brotli", action="store_true", help="gzip only")
    parser.add_argument("--from-scratch", action="store_true",
                        help="compress even when the cache folder holds this copy already")
    parser.add_argument("--nice", type=int, default=0, help="lower this process's priority by this much first")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.nice:
        os.nice(args.nice)
    source = streamlit_static()
    folder = args.out or default_folder(source)
    if folder is None:
        print(f"no writable cache folder among {[str(f) for f in cache_folders()]}", file=sys.stderr)
        return 1
    print(compressed_copy(source, folder, brotli=not args.no_brotli and brotli_available(),
                          reuse=not args.from_scratch))
    return 0


if __name__ == "__main__":
    sys.exit(main())
