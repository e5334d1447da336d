"""The tests are shaped like the code: no test module imports another, fixtures come from ``conftest.py``.

Shared plain helpers live in ``tests/support/`` (and ``tests/postgres.py``,
``tests/e2e/__init__.py``); shared fixtures in a ``conftest.py``, where pytest
finds them by name, so a test module never imports a fixture to make it usable.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
TEST_MODULES = sorted(TESTS.rglob("test_*.py"))
HELPER_MODULES = sorted(p for p in TESTS.rglob("*.py") if not p.name.startswith("test_"))


def module_name(path: Path) -> str:
    """``tests/e2e/test_x.py`` as ``tests.e2e.test_x``."""
    return ".".join(path.relative_to(ROOT).with_suffix("").parts)


def imports(path: Path) -> list[tuple[int, str, tuple[str, ...]]]:
    """(line, absolute module, names taken from it) of every import in ``path``, inside functions too."""
    package = module_name(path).rsplit(".", 1)[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name, ()) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # from .x import y, from . import test_x
                parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{parent}.{base}" if base else parent
            names = tuple(alias.name for alias in node.names)
            found.append((node.lineno, base, names))
            found += [(node.lineno, f"{base}.{name}", ()) for name in names]  # from tests import test_x
    return found


def is_test_module(module: str) -> bool:
    parts = module.split(".")
    return parts[0] == "tests" and parts[-1].startswith("test_")


def fixtures_in(path: Path) -> set[str]:
    """Names of the functions of ``path`` decorated with ``pytest.fixture`` (with or without arguments)."""
    def is_fixture(decorator: ast.expr) -> bool:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        return ast.unparse(target) in {"pytest.fixture", "fixture"}

    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    return {node.name for node in ast.walk(tree)
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and any(map(is_fixture, node.decorator_list))}


FIXTURES = {module_name(path): fixtures_in(path) for path in TEST_MODULES + HELPER_MODULES}


def test_the_layout_test_sees_the_tests():
    assert len(TEST_MODULES) > 30 and TESTS / "e2e" / "test_report_browser.py" in TEST_MODULES
    assert "tests.test_pages" == module_name(TESTS / "test_pages.py")
    assert is_test_module("tests.e2e.test_report_browser") and not is_test_module("tests.support.pages")


@pytest.mark.parametrize("path", TEST_MODULES, ids=lambda p: str(p.relative_to(TESTS)))
def test_no_test_module_imports_another(path):
    wrong = [f"line {line}: {module}" for line, module, _ in imports(path) if is_test_module(module)]
    assert not wrong, f"{path.name} imports test modules; move what it needs to tests/support or a conftest.py"


@pytest.mark.parametrize("path", TEST_MODULES, ids=lambda p: str(p.relative_to(TESTS)))
def test_no_test_module_imports_a_fixture(path):
    wrong = [f"line {line}: {name} from {module}" for line, module, names in imports(path)
             for name in names if name in FIXTURES.get(module, ())]
    assert not wrong, f"{path.name} imports fixtures; pytest finds those of a conftest.py by name"


def test_helper_modules_hold_no_fixture_except_conftest_and_plugins():
    plugins = {"tests.postgres"}  # registered in conftest.py's pytest_plugins
    wrong = {module: sorted(names) for module, names in FIXTURES.items()
             if names and not is_test_module(module) and not module.endswith("conftest") and module not in plugins}
    assert not wrong, "fixtures belong in a conftest.py, where pytest finds them by name"


def marks(node: ast.AST) -> set[str]:
    """The names of ``pytest.mark.NAME`` used in ``node`` (a decorator list, a ``pytestmark`` value)."""
    return {n.attr for n in ast.walk(node) if isinstance(n, ast.Attribute) and ast.unparse(n.value) == "pytest.mark"}


def module_marks(tree: ast.Module) -> set[str]:
    return set().union(*(marks(n.value) for n in tree.body if isinstance(n, ast.Assign)
                         and any(ast.unparse(t) == "pytestmark" for t in n.targets)))


@pytest.mark.parametrize("path", TEST_MODULES, ids=lambda p: str(p.relative_to(TESTS)))
def test_every_test_that_starts_a_browser_is_marked_browser(path):
    """Browser tests: the end-to-end folder, Playwright, and tests asking for Debian's Chromium (``chromium``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    if "browser" in module_marks(tree):
        return
    assert path.parent.name != "e2e", f"{path.name}: pytestmark = pytest.mark.browser"
    uses_playwright = any(module.startswith("playwright") for _, module, _ in imports(path))
    unmarked = [node.name for node in ast.walk(tree)
                if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")
                and (uses_playwright or "chromium" in [a.arg for a in node.args.args])
                and not {"browser"} <= set().union(*(marks(d) for d in node.decorator_list))]
    assert not unmarked, f"{path.name}: not marked browser: {unmarked}"
