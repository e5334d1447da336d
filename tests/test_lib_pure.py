"""lib/ is a library: importing every module of it never imports streamlit."""

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
