"""The package's layers: data flows one way, so no module imports a layer above its own, and no import circles.

The layer order is written once, here (``LAYERS``, highest first); the README's "Architecture"
section draws it. Packages on one line are siblings: neither may import the other. Every import
counts, also those inside functions (they load later, but they are still dependencies).
"""

from __future__ import annotations

import ast
import pathlib

import networkx as nx

import gmb

LAYERS = (
    ("gmb", "gmb.__main__"),          # the package's names for notebooks, and ``python -m gmb``
    ("gmb.cli",),                     # thin click commands
    ("gmb.outputs",),                 # the files a run writes
    ("gmb.render",),                  # HTML page, pictures, charts
    ("gmb.leverage", "gmb.workshops"),  # Monte Carlo draws, rankings, idea bank, Dask | records, merge, diff
    ("gmb.analysis",),                # loops, centrality, paths, and the press response of the model
    ("gmb.sd", "gmb.formats"),        # stock-and-flow models, their linearisation and runs | other tools' files
    ("gmb.maps",),                    # CausalMap, schema, YAML text, store, validation, loop ids
    ("gmb.errors", "gmb.version"),    # what every layer may use
)

PACKAGE = pathlib.Path(gmb.__file__).parent


def module_imports(root: pathlib.Path, top: str = "gmb") -> dict[str, set[str]]:
    """Every module of the package under ``root`` → the package's modules it imports (resolved)."""
    files = {}
    for path in sorted(root.rglob("*.py")):
        parts = (top, *path.relative_to(root).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        files[".".join(parts[:-1] if is_package else parts)] = (path, is_package)
    graph = {}
    for name, (path, is_package) in files.items():
        package = name if is_package else name.rpartition(".")[0]
        found = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                    base = ".".join(anchor + ([node.module] if node.module else []))
                # ``from gmb.analysis import press`` imports the module gmb.analysis.press
                targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in files else base for a in node.names]
            else:
                continue
            found.update(t for t in targets if t == top or t.startswith(top + "."))
        graph[name] = {_known(target, files) for target in found} - {name}
    return graph


def _known(target: str, files) -> str:
    while target not in files and "." in target:
        target = target.rpartition(".")[0]
    return target


def layer_of(module: str, layers=LAYERS) -> tuple[int, str]:
    """(layer index, package) of ``module``: the longest package prefix named in ``layers``."""
    best = None
    for index, packages in enumerate(layers):
        for package in packages:
            if module == package or module.startswith(package + "."):
                if best is None or len(package) > len(best[1]):
                    best = (index, package)
    if best is None:
        raise AssertionError(f"{module} belongs to no layer: add its package to LAYERS in {__file__}")
    return best


def layering_problems(graph: dict[str, set[str]], layers=LAYERS) -> list[str]:
    """Imports that go up a layer or across to a sibling, and import circles, as readable lines."""
    problems = []
    for module, targets in sorted(graph.items()):
        level, package = layer_of(module, layers)
        for target in sorted(targets):
            target_level, target_package = layer_of(target, layers)
            if target_package == package:
                continue
            if target_level < level:
                problems.append(f"{module} imports {target}: a higher layer ({target_package} is above {package})")
            elif target_level == level:
                problems.append(f"{module} imports {target}: siblings {package} and {target_package} are independent")
    for cycle in nx.simple_cycles(nx.DiGraph([(m, t) for m, ts in graph.items() for t in ts])):
        problems.append("import circle: " + " → ".join([*cycle, cycle[0]]))
    return problems


def test_no_module_imports_a_higher_layer_or_a_sibling_and_there_are_no_circles():
    graph = module_imports(PACKAGE)
    assert len(graph) > 80 and "gmb.maps.causalmap" in graph["gmb.analysis.loops"]
    assert layering_problems(graph) == []


def test_every_module_belongs_to_a_layer_and_every_layer_holds_a_module():
    graph = module_imports(PACKAGE)
    used = {layer_of(module)[1] for module in graph}
    assert used == {package for packages in LAYERS for package in packages}


def test_the_check_finds_an_upward_import_a_sibling_import_and_a_circle(tmp_path):
    root = tmp_path / "pkg"
    for name, text in {
        "__init__.py": "",
        "low/__init__.py": "",
        "low/a.py": "from pkg.high import b\n",                  # upwards
        "mid1/__init__.py": "", "mid1/c.py": "def f():\n    from ..mid2 import d\n",  # a sibling, relative
        "mid2/__init__.py": "", "mid2/d.py": "import pkg.low.a\n",
        "high/__init__.py": "", "high/b.py": "from pkg.high import e\n", "high/e.py": "from . import b\n",
    }.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    layers = (("pkg",), ("pkg.high",), ("pkg.mid1", "pkg.mid2"), ("pkg.low",))
    problems = layering_problems(module_imports(root, "pkg"), layers)
    assert "pkg.low.a imports pkg.high.b: a higher layer (pkg.high is above pkg.low)" in problems
    assert "pkg.mid1.c imports pkg.mid2.d: siblings pkg.mid1 and pkg.mid2 are independent" in problems
    assert any(p.startswith("import circle: ") and "pkg.high.b" in p and "pkg.high.e" in p for p in problems)
    assert len(problems) == 3


def test_the_names_notebooks_use_are_importable_from_gmb():
    for name in gmb.__all__:
        assert getattr(gmb, name) is not None, name
    from gmb import CausalMap, load_map, validate
    assert callable(load_map) and callable(validate) and CausalMap.__module__ == "gmb.maps.causalmap"
