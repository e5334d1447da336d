"""lib/ is a library: importing every module of it never imports streamlit; its account command line no pandas."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PROBE = """
import importlib, pkgutil, sys
import lib
names = [m.name for m in pkgutil.walk_packages(lib.__path__, "lib.")]
for name in names:
    importlib.import_module(name)
print(len(names))
sys.exit(3 if "streamlit" in sys.modules else 0)
"""


def test_importing_every_lib_module_leaves_streamlit_unimported():
    result = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode != 3, "a module of lib/ imports streamlit"
    assert result.returncode == 0, result.stderr
    assert int(result.stdout.strip()) >= 5  # the probe really walked the package


def test_the_account_command_line_runs_without_pandas(tmp_path):
    # An administrator runs ``python -m lib.accounts`` on the server: it loads no data, so it imports no pandas
    # (half a second of every command on a small server). Checking a named village reads the reference data: that may.
    environment = {**os.environ, "DASBOR_DATA_DIR": str(tmp_path)}
    for command, given in ((["add", "admin.uji", "--role", "admin", "--password-stdin"], "kunci-uji-panjang-2024\n"),
                           (["list"], "")):
        result = subprocess.run([sys.executable, "-X", "importtime", "-m", "lib.accounts", *command], input=given,
                                cwd=ROOT, env=environment, capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr[-2000:]
        imported = [line.rsplit("|", 1)[-1].strip() for line in result.stderr.splitlines() if line.startswith("import time")]
        assert "pandas" not in imported, f"lib.accounts {command[0]} imports pandas"
    assert "admin.uji" in result.stdout
