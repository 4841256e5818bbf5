"""Every test checks something: it asserts, expects an exception (pytest.raises, pytest.warns) or fails
explicitly, by itself or through a helper it calls (a function of its own module, nested in it, or of
tests/factories.py); and no test ends early with a bare `return`, which passes silently where
pytest.skip would say why. Read from the source (AST), so it costs no database."""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent
CHECKING_CALLS = {"pytest.raises", "pytest.warns", "pytest.fail", "expect"}  # expect: Playwright's
Function = ast.FunctionDef | ast.AsyncFunctionDef


def functions(tree: ast.AST) -> dict[str, Function]:
    return {node.name: node for node in ast.walk(tree) if isinstance(node, Function)}


FACTORIES = functions(ast.parse((TESTS / "factories.py").read_text(encoding="utf-8")))


def own_nodes(function: Function):
    """The nodes of a function's body, not those of functions, lambdas or classes defined in it."""
    nested = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)
    stack = [node for node in function.body if not isinstance(node, nested)]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(child for child in ast.iter_child_nodes(node) if not isinstance(child, nested))


def called_name(call: ast.Call) -> str:
    target = call.func
    if isinstance(target, ast.Name):
        return target.id
    if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name):
        return f"{target.value.id}.{target.attr}"
    return ""


def checks(function: Function, helpers: dict[str, Function], seen: set[str]) -> bool:
    local = {**helpers, **functions(function)}
    for node in own_nodes(function):
        if isinstance(node, ast.Assert):
            return True
        if isinstance(node, ast.Call):
            name = called_name(node)
            if name in CHECKING_CALLS:
                return True
            helper = local.get(name)
            if helper is not None and name not in seen and checks(helper, local, seen | {name}):
                return True
    return False


def collected_tests() -> list[tuple[str, Function, dict[str, Function]]]:
    found = []
    for path in sorted(TESTS.rglob("test_*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        helpers = {**FACTORIES, **functions(tree)}
        for node in ast.walk(tree):
            if isinstance(node, Function) and node.name.startswith("test"):
                found.append((f"{path.relative_to(TESTS)}::{node.name}", node, helpers))
    return found


def test_the_scan_sees_the_tests():
    names = [name for name, _, _ in collected_tests()]
    assert len(names) > 300 and "test_every_test_checks_something.py::test_no_test_returns_early" in names


def test_the_scan_recognises_tests_that_check_nothing():
    tree = ast.parse(
        "def helper():\n    assert True\n\n"
        "def test_silent():\n    run()\n\n"
        "def test_through_a_helper():\n    helper()\n\n"
        "def test_raises():\n    with pytest.raises(ValueError):\n        run()\n\n"
        "def test_nested_only():\n    def inner():\n        assert True\n"
    )
    defined = functions(tree)
    verdicts = {name: checks(defined[name], defined, {name}) for name in defined if name.startswith("test")}
    assert verdicts == {
        "test_silent": False,
        "test_through_a_helper": True,
        "test_raises": True,
        "test_nested_only": False,  # defined but never called
    }


def test_every_test_asserts_or_expects_an_error():
    silent = [name for name, function, helpers in collected_tests() if not checks(function, helpers, set())]
    assert silent == [], "tests that check nothing: " + ", ".join(silent)


def test_no_test_returns_early():
    early = [
        f"{name} (line {node.lineno})"
        for name, function, _ in collected_tests()
        for node in own_nodes(function)
        if isinstance(node, ast.Return)
    ]
    assert early == [], "use pytest.skip with a reason instead of return: " + ", ".join(early)
