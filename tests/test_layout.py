"""Meta-tests that keep the package layout honest (in the manner of scikit-learn's).

The layout is described in docs/architecture.md; these tests hold the code to it:

* every name a package lists in ``__all__`` exists, and its classes and functions carry a
  docstring;
* every exception and warning lives in its top-level package's ``errors.py``, derives from
  that package's root error, and survives a pickle round trip with its message (errors raised
  in the report process pool must reach the user whole);
* the layering rule: ``data_dictionary`` imports none of the other packages; ``coding`` and
  ``analysis`` import only ``data_dictionary`` and themselves; only ``studies`` may import
  everything (imports inside functions count too);
* no import cycle between modules;
* the tests mirror the packages.

Each check collects every offender and reports it as ``path:line: what is wrong``, so a
failure lists all the work at once. The import checks read the source with :mod:`ast`
rather than importing it, so they see imports that only run inside functions.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pickle
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pandas as pd
import pytest

from data_dictionary.errors import DyadlabError
from tests.conftest import ROOT

PACKAGES = ("data_dictionary", "coding", "analysis", "studies")

#: Which top-level packages each package may import (besides itself).
ALLOWED_IMPORTS = {
    "data_dictionary": set(),
    "coding": {"data_dictionary"},
    "analysis": {"data_dictionary"},
    "studies": {"data_dictionary", "coding", "analysis"},
}

#: The root error each package's exceptions derive from.
ROOT_ERRORS = {
    "data_dictionary": "DyadlabError",
    "coding": "CodingError",
    "analysis": "AnalysisError",
    "studies": "StudyError",
}

#: Test modules that test the project as a whole and so sit directly under tests/.
TOP_LEVEL_TESTS = {"test_layout.py", "test_packaging.py"}


# --- the modules of the four packages -----------------------------------------------------


@dataclass(frozen=True)
class Module:
    name: str  # dotted, e.g. "coding.store._store"; a package is named by its __init__
    path: Path
    is_package: bool

    @property
    def top(self) -> str:
        return self.name.split(".")[0]

    @property
    def where(self) -> str:
        return str(self.path.relative_to(ROOT))


def _skipped(path: Path) -> bool:
    return "__pycache__" in path.parts or path.relative_to(ROOT).parts[:2] == ("studies", "demo")


@cache
def modules() -> dict[str, Module]:
    """Every Python module of the four packages, by dotted name."""
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if _skipped(path):
                continue
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            is_package = parts[-1] == "__init__"
            if is_package:
                parts.pop()
            found[".".join(parts)] = Module(".".join(parts), path, is_package)
    return found


@cache
def syntax_tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def test_the_module_walk_sees_the_packages():
    names = modules()
    assert {"coding", "analysis", "studies", "data_dictionary"} <= set(names)
    assert "data_dictionary.errors" in names and "studies.commands" in names
    assert len(names) > 100


# --- (a) public names exist and are documented --------------------------------------------


def _all_node(tree: ast.Module) -> ast.AST | None:
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else []
        if isinstance(node, ast.AnnAssign | ast.AugAssign):
            targets = [node.target]
        if any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets):
            return node
    return None


def _binds_public_names(tree: ast.Module) -> bool:
    """Whether an ``__init__`` imports or defines names other than private ones."""
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module != "__future__":
            if any(not (a.asname or a.name).startswith("_") for a in node.names):
                return True
        elif isinstance(node, ast.FunctionDef | ast.ClassDef) and not node.name.startswith("_"):
            return True
    return False


def _own_docstring(obj: object) -> str | None:
    """The docstring written on ``obj`` itself (not inherited, not a dataclass's signature)."""
    path = inspect.getsourcefile(obj)
    if path is None:  # pragma: no cover - built-ins have no source
        return inspect.getdoc(obj)
    tree = syntax_tree(Path(path))
    kinds = ast.ClassDef if inspect.isclass(obj) else ast.FunctionDef | ast.AsyncFunctionDef
    for node in ast.walk(tree):
        if isinstance(node, kinds) and node.name == obj.__name__:
            return ast.get_docstring(node)
    return inspect.getdoc(obj)


def _definition(obj: object) -> str:
    try:
        path = Path(inspect.getsourcefile(obj)).relative_to(ROOT)
        return f"{path}:{inspect.getsourcelines(obj)[1]}"
    except (TypeError, ValueError, OSError):
        return repr(obj)


def test_every_public_name_exists_and_is_documented():
    offenders = []
    for module in modules().values():
        if not module.is_package:
            continue
        tree = syntax_tree(module.path)
        node = _all_node(tree)
        if node is None:
            if _binds_public_names(tree):
                offenders.append(f"{module.where}:1: exports names but has no __all__")
            continue
        package = _import(module, offenders)
        if package is None:
            continue
        listed = list(package.__all__)
        if len(listed) != len(set(listed)):
            offenders.append(f"{module.where}:{node.lineno}: __all__ lists a name twice")
        for name in listed:
            if not hasattr(package, name):
                offenders.append(
                    f"{module.where}:{node.lineno}: __all__ names {name!r}, which does not exist"
                )
                continue
            obj = getattr(package, name)
            if (inspect.isclass(obj) or inspect.isroutine(obj)) and not _own_docstring(obj):
                offenders.append(f"{_definition(obj)}: {module.name}.{name} has no docstring")
    assert not offenders, "\n".join(offenders)


# --- (b) exceptions live in errors.py and pickle ------------------------------------------


def _import(module: Module, offenders: list[str]):
    """Import ``module``, or record why it cannot be imported and return None."""
    try:
        return importlib.import_module(module.name)
    except Exception as error:  # the offender list names it; the other modules still count
        offenders.append(f"{module.where}:1: cannot be imported: {error!r}")
        return None


def _error_classes(offenders: list[str]) -> Iterator[tuple[Module, type[BaseException]]]:
    for module in modules().values():
        imported = _import(module, offenders)
        if imported is None:
            continue
        for obj in vars(imported).values():
            if (
                inspect.isclass(obj)
                and issubclass(obj, BaseException)
                and obj.__module__ == module.name
            ):
                yield module, obj


def test_every_exception_and_warning_lives_in_its_package_errors_module():
    offenders: list[str] = []
    for module, cls in _error_classes(offenders):
        line = inspect.getsourcelines(cls)[1]
        if module.name != f"{module.top}.errors":
            offenders.append(
                f"{module.where}:{line}: {cls.__name__} belongs in {module.top}/errors.py"
            )
        root = getattr(importlib.import_module(f"{module.top}.errors"), ROOT_ERRORS[module.top])
        if not issubclass(cls, Warning | root):
            offenders.append(
                f"{module.where}:{line}: {cls.__name__} does not derive from "
                f"{ROOT_ERRORS[module.top]}"
            )
    # Classes defined inside functions escape the scan above; the AST sees them.
    for module in modules().values():
        if module.name == f"{module.top}.errors":
            continue
        for node in ast.walk(syntax_tree(module.path)):
            if isinstance(node, ast.ClassDef) and any(
                isinstance(b, ast.Name | ast.Attribute)
                and ast.unparse(b).split(".")[-1].endswith(("Error", "Exception", "Warning"))
                for b in node.bases
            ):
                message = (
                    f"{module.where}:{node.lineno}: {node.name} belongs in {module.top}/errors.py"
                )
                if not any(o.startswith(f"{module.where}:{node.lineno}:") for o in offenders):
                    offenders.append(message)
    assert not offenders, "\n".join(offenders)


def _dyadlab_errors() -> list[type[DyadlabError]]:
    for package in PACKAGES:
        importlib.import_module(f"{package}.errors")
    found, pending = [], [DyadlabError]
    while pending:
        cls = pending.pop()
        found.append(cls)
        pending.extend(cls.__subclasses__())
    return sorted(set(found), key=lambda c: (c.__module__, c.__name__))


def _example(cls: type[DyadlabError]) -> DyadlabError:
    """One instance of ``cls`` built the way the code raises it, with a file, row and field."""
    from data_dictionary.errors import ValidationError

    if issubclass(cls, ValidationError):
        problems = pd.DataFrame(
            {
                "table": ["deliveries"],
                "row": [3],
                "line": [4],
                "column": ["age"],
                "check": ["minimum"],
                "value": ["9"],
                "message": ["age must be at least 12"],
            }
        )
        return cls(problems, file="deliveries.csv")
    return cls("the value is not allowed", file="deliveries.csv", row=3, field="age")


@pytest.mark.parametrize("cls", _dyadlab_errors(), ids=lambda c: f"{c.__module__}.{c.__name__}")
def test_every_error_survives_pickling_with_its_message(cls):
    error = _example(cls)
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is cls
    assert str(copy) == str(error)
    assert "deliveries.csv" in str(copy)
    assert (copy.file, copy.row, copy.line, copy.field) == (
        error.file,
        error.row,
        error.line,
        error.field,
    )
    if hasattr(error, "problems"):
        pd.testing.assert_frame_equal(copy.problems, error.problems)


# --- imports, read from the source --------------------------------------------------------


@dataclass(frozen=True)
class Import:
    source: Module
    line: int
    target: str  # a dotted module name (a package means its __init__)
    module_level: bool


def _resolve(module: Module, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = module.name.split(".")
    if not module.is_package:
        base = base[:-1]
    base = base[: len(base) - node.level + 1]
    return ".".join(base + ([node.module] if node.module else []))


def _is_type_checking(node: ast.If) -> bool:
    return ast.unparse(node.test) in ("TYPE_CHECKING", "typing.TYPE_CHECKING")


def _imports_of(module: Module) -> Iterator[Import]:
    """Every import of ``module``; ``module_level`` is False inside functions and classes
    and inside ``if TYPE_CHECKING:`` (neither runs when the module is imported)."""
    known = modules()

    def visit(node: ast.AST, module_level: bool) -> Iterator[Import]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Import):
                for alias in child.names:
                    yield Import(module, child.lineno, alias.name, module_level)
            elif isinstance(child, ast.ImportFrom):
                target = _resolve(module, child)
                for alias in child.names:
                    submodule = f"{target}.{alias.name}"
                    name = submodule if submodule in known else target
                    yield Import(module, child.lineno, name, module_level)
            else:
                nested = isinstance(
                    child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Lambda
                ) or (isinstance(child, ast.If) and _is_type_checking(child))
                yield from visit(child, module_level and not nested)

    yield from visit(syntax_tree(module.path), True)


@cache
def all_imports() -> tuple[Import, ...]:
    return tuple(i for m in modules().values() for i in _imports_of(m))


def test_relative_imports_resolve_inside_their_package():
    """A guard on the reader above: every project import names a module that exists."""
    known = modules()
    offenders = [
        f"{i.source.where}:{i.line}: imports {i.target}, which is not a module of the project"
        for i in all_imports()
        if i.target.split(".")[0] in PACKAGES and i.target not in known
        # ``from pkg import name`` resolves to ``pkg``; ``import pkg.mod`` must name a module
    ]
    assert not offenders, "\n".join(offenders)


# --- (c) the layering rule ----------------------------------------------------------------


def test_packages_import_only_the_layers_below_them():
    offenders = []
    for imp in all_imports():
        target = imp.target.split(".")[0]
        top = imp.source.top
        if target in PACKAGES and target != top and target not in ALLOWED_IMPORTS[top]:
            allowed = sorted(ALLOWED_IMPORTS[top]) or ["no other dyadlab package"]
            offenders.append(
                f"{imp.source.where}:{imp.line}: {top} imports {imp.target} "
                f"({top} may import {', '.join(allowed)})"
            )
    assert not offenders, "\n".join(offenders)


# --- (d) no import cycle ------------------------------------------------------------------


def _strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iteratively (the graph has a few hundred nodes)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components = []
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    components.append(sorted(component))
    return components


def _executed(imp: Import) -> Iterator[str]:
    """The modules an import runs: its target, and the ``__init__`` of each package on the
    way to it that is not already an ancestor of the importing module (importing
    ``coding.reliability._units`` from ``coding.reconcile`` runs ``coding.reliability``)."""
    known = modules()
    source = imp.source.name.split(".")
    own = {".".join(source[:n]) for n in range(1, len(source) + (imp.source.is_package or 0))}
    parts = imp.target.split(".")
    for n in range(1, len(parts)):
        package = ".".join(parts[:n])
        if package in known and package not in own:
            yield package
    yield imp.target


def _cycles(module_level_only: bool) -> list[str]:
    """Each import cycle, with the file and line of every import along it.

    ``from pkg import name`` where ``name`` is a submodule is an edge to that submodule;
    an edge to a package is an edge to its ``__init__``; an import of a submodule is also an
    edge to the packages it passes through (see :func:`_executed`).
    """
    known = modules()
    graph: dict[str, set[str]] = {name: set() for name in known}
    lines: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for imp in all_imports():
        if (module_level_only and not imp.module_level) or imp.target not in known:
            continue
        for target in _executed(imp):
            if target == imp.source.name:
                continue
            graph[imp.source.name].add(target)
            via = "" if target == imp.target else f" (via {imp.target})"
            lines.setdefault((imp.source.name, target), []).append(
                (f"{imp.source.where}:{imp.line}", via)
            )
    offenders = []
    for component in _strongly_connected(graph):
        if len(component) < 2:
            continue
        members = set(component)
        edges = [
            f"    {where}: {source} imports {target}{via}"
            for source in component
            for target in sorted(graph[source] & members)
            for where, via in dict.fromkeys(lines[(source, target)])
        ]
        offenders.append(f"cycle among {', '.join(component)}:\n" + "\n".join(edges))
    return offenders


def test_no_import_cycle_between_modules():
    """Module-level imports (those that run when a module is imported) form no cycle."""
    offenders = _cycles(module_level_only=True)
    assert not offenders, "\n".join(offenders)


def test_no_cycle_hidden_in_deferred_imports():
    """Imports moved into functions form no cycle either: deferring an import hides a
    cycle from the interpreter, not from the reader (two modules that need each other are
    one idea split in two, or a shared piece waiting for its own module)."""
    offenders = _cycles(module_level_only=False)
    assert not offenders, "\n".join(offenders)


def test_relative_imports_and_executed_packages_are_read_as_python_does():
    known = modules()
    reconcile = known["coding.reliability._reconcile"]
    tree = ast.parse("from . import _units\nfrom .. import errors\nfrom ._units import x\n")
    targets = [_resolve(reconcile, node) for node in tree.body]
    assert targets == ["coding.reliability", "coding", "coding.reliability._units"]
    outside = Import(known["coding.explore"], 1, "coding.reliability._units", True)
    assert list(_executed(outside)) == ["coding.reliability", "coding.reliability._units"]
    inside = Import(reconcile, 1, "coding.reliability._units", True)
    assert list(_executed(inside)) == ["coding.reliability._units"]


def test_the_cycle_finder_finds_a_cycle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert [c for c in _strongly_connected(graph) if len(c) > 1] == [["a", "b", "c"]]


# --- (e) the tests mirror the packages ----------------------------------------------------


def test_tests_mirror_the_packages():
    """Each tests/<package>/<sub>/ folder that holds tests names a package folder, and no
    test module sits directly under tests/ except the project-wide ones."""
    tests = ROOT / "tests"
    offenders = [
        f"{path.relative_to(ROOT)}:1: belongs in tests/<package>/"
        for path in sorted(tests.glob("test_*.py"))
        if path.name not in TOP_LEVEL_TESTS
    ]
    for folder in sorted(p for p in tests.rglob("*") if p.is_dir()):
        if "__pycache__" in folder.parts or not any(folder.glob("test_*.py")):
            continue
        relative = folder.relative_to(tests)
        if relative.parts[0] not in PACKAGES or not (ROOT / relative / "__init__.py").exists():
            first = sorted(folder.glob("test_*.py"))[0]
            offenders.append(
                f"{first.relative_to(ROOT)}:1: tests/{relative}/ has no package {relative}/"
            )
    assert not offenders, "\n".join(offenders)
