"""The layer boundaries of the architecture, checked on every module's imports."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "ner_studio"

FORBIDDEN = {
    "core": ("torch", "PySide6", "ner_studio.model", "ner_studio.gui", "ner_studio.commands"),
    "model": ("PySide6", "ner_studio.gui", "ner_studio.commands"),
    "commands": ("ner_studio.gui",),
}


def imported_modules(path: Path, modules=()) -> set[str]:
    """What ``path`` imports; ``from package import name`` also counts ``package.name`` when
    that is one of ``modules`` (a submodule, not an attribute)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{a.name}" for a in node.names if f"{node.module}.{a.name}" in modules)
    return names


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layer_does_not_import_what_it_must_not(layer):
    offences = []
    for path in sorted((PACKAGE / layer).rglob("*.py")):
        for name in imported_modules(path):
            if any(name == f or name.startswith(f + ".") for f in FORBIDDEN[layer]):
                offences.append(f"{path.relative_to(PACKAGE.parent)} imports {name}")
    assert not offences, "\n".join(offences)


# Modules that must stay importable without the heavy layers below them.
TORCH_FREE = ("ner_studio/model/interface.py",)  # what the GUI shares with the model


def gui_helpers() -> list[Path]:
    """gui/ modules not named qt_*.py: Qt-free rules and jobs, testable without a window.
    ``app.py`` (the entry point) builds the window, so it is Qt by nature."""
    return [p for p in sorted((PACKAGE / "gui").rglob("*.py"))
            if not p.name.startswith("qt_") and p.name not in ("app.py", "__init__.py")]


def test_gui_helpers_do_not_import_qt():
    helpers = gui_helpers()
    assert {"editing.py", "tagging_jobs.py", "learning_jobs.py"} <= {p.name for p in helpers}
    offences = [f"{path.relative_to(PACKAGE.parent)} imports {name}"
                for path in helpers for name in imported_modules(path)
                if name == "PySide6" or name.startswith("PySide6.")
                or (name.startswith("ner_studio.gui.qt_"))]
    assert not offences, "\n".join(offences)


@pytest.mark.parametrize("module", TORCH_FREE)
def test_the_shared_types_do_not_import_torch(module):
    """Checked by importing, so an import of a torch module through another module counts."""
    name = module.removesuffix(".py").replace("/", ".")
    probe = f"import sys, {name}; print(sorted(m for m in sys.modules if m == 'torch' or m.startswith('PySide6')))"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                            cwd=PACKAGE.parent, check=True)
    assert result.stdout.strip() == "[]", result.stdout


def test_gui_helpers_import_without_torch_or_qt():
    names = ", ".join(".".join(p.relative_to(PACKAGE.parent).with_suffix("").parts) for p in gui_helpers())
    probe = f"import sys, {names}; print(sorted(m for m in sys.modules if m == 'torch' or m.startswith('PySide6')))"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                            cwd=PACKAGE.parent, check=True)
    assert result.stdout.strip() == "[]", result.stdout


def test_the_checker_sees_imports(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text("import torch\nfrom PySide6.QtCore import QObject\n")
    assert {"torch", "PySide6.QtCore"} <= imported_modules(probe)


def test_core_modules_do_not_import_each_other_in_a_circle():
    """Module-level imports inside core form no cycle (document and tokenizer used to)."""
    paths = {".".join(p.relative_to(PACKAGE.parent).with_suffix("").parts).removesuffix(".__init__"): p
             for p in sorted((PACKAGE / "core").rglob("*.py"))}
    graph = {}
    for name, path in paths.items():
        targets = set()
        # lazy imports inside functions count too: a cycle through them is still a circle
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                # "from package import module" imports the module
                targets.update(f"{node.module}.{a.name}" if f"{node.module}.{a.name}" in paths else node.module
                               for a in node.names)
        graph[name] = {t for t in targets if t in paths and t != name}
    state: dict[str, str] = {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = "open"
        for target in sorted(graph.get(node, ())):
            if state.get(target) == "open":
                raise AssertionError(" -> ".join([*trail[trail.index(target):], target]))
            if target not in state:
                visit(target, [*trail, target])
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])


# --- core/ grouped by concept: each package's __init__ says what it may import -------------

CORE = PACKAGE / "core"

# Imports across the declared rules, each with its reason; the list only shrinks.
CORE_EXCEPTIONS: dict[tuple[str, str], str] = {}


def declared_rules(layer: Path = CORE) -> dict[str, set[str]]:
    """Each package of core/ (or of ``layer``) and the packages of that layer it may import,
    read from the last line of its ``__init__`` docstring: ``May import: text, store.`` (or ``none``)."""
    rules = {}
    for init in sorted(layer.glob("*/__init__.py")):
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))) or ""
        lines = [line for line in doc.splitlines() if line.startswith("May import:")]
        assert lines, f"{init.relative_to(PACKAGE.parent)}: its docstring does not say what it may import"
        names = lines[-1].removeprefix("May import:").strip().rstrip(".")
        rules[init.parent.name] = {n.strip() for n in names.split(",") if n.strip() not in ("", "none")}
    return rules


def package_of(module: str, packages, layer: str = "core") -> str | None:
    """``ner_studio.core.store.project`` -> ``store``; a shared helper at core's top -> None."""
    parts = module.split(".")
    return parts[2] if parts[:2] == ["ner_studio", layer] and len(parts) > 2 and parts[2] in packages else None


def crossings(path: Path, package: str | None, rules: dict[str, set[str]], layer: str = "core") -> list[str]:
    """The imports of ``path`` (a module of ``package``, None at core's top) that its package
    may not make: its own package, the helpers at core's top and what it declares are allowed."""
    allowed = {package, None} | rules.get(package, set()) if package else {None}
    return sorted(name for name in imported_modules(path)
                  if name.startswith(f"ner_studio.{layer}.") and package_of(name, rules, layer) not in allowed)


def test_core_packages_import_only_what_they_declare():
    rules = declared_rules()
    assert {"text", "formats", "learning", "store", "team", "corpus", "datasets"} <= set(rules)
    unknown = {f"{p} -> {q}" for p, allowed in rules.items() for q in allowed if q not in rules}
    assert not unknown, f"May import names no package: {unknown}"
    offences, excused = [], set()
    for path in sorted(CORE.rglob("*.py")):
        relative = path.relative_to(CORE)
        package = relative.parts[0] if len(relative.parts) > 1 else None
        for name in crossings(path, package, rules):
            where = str(path.relative_to(PACKAGE.parent))
            if (where, name) in CORE_EXCEPTIONS:
                excused.add((where, name))
            else:
                offences.append(f"{where} imports {name}")
    assert not offences, "\n".join(offences)
    assert excused == set(CORE_EXCEPTIONS), f"no longer needed: {set(CORE_EXCEPTIONS) - excused}"


@pytest.mark.parametrize("layer", ["core", "gui"])
def test_packages_declare_no_circle(layer):
    """What the packages may import forms no cycle: ground does not import what stands on it."""
    rules = declared_rules(PACKAGE / layer)
    state: dict[str, str] = {}

    def visit(package: str, trail: list[str]) -> None:
        state[package] = "open"
        for target in sorted(rules[package]):
            assert state.get(target) != "open", " -> ".join([*trail[trail.index(target):], target])
            if target not in state:
                visit(target, [*trail, target])
        state[package] = "done"

    for package in sorted(rules):
        if package not in state:
            visit(package, [package])


def test_the_core_rules_see_offences(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text("from ner_studio.core.store.project import Project\n"
                     "from ner_studio.core.text import tags\n"
                     "from ner_studio.core.errors import FormatError\n"
                     "from ner_studio.core import json_text\n")
    rules = {"text": set(), "store": {"text"}}
    assert crossings(probe, "text", rules) == ["ner_studio.core.store.project"]
    assert crossings(probe, "store", rules) == []
    assert crossings(probe, None, rules) == ["ner_studio.core.store.project", "ner_studio.core.text"]


# The command protocol (see cli.py): every command module defines these.
SHARED_NAMES = {"register", "run"}


def test_one_name_per_idea():
    """No public class or function name is defined in two modules: if two modules define the
    same name, one of them is wrong (STYLE.md 13)."""
    where: dict[str, list[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and not node.name.startswith("_"):
                where.setdefault(node.name, []).append(str(path.relative_to(PACKAGE.parent)))
    doubled = {name: paths for name, paths in where.items() if len(paths) > 1 and name not in SHARED_NAMES}
    assert not doubled, doubled


# --- gui/ in rooms: shell/ the ground, the feature rooms on it, window/ on top ---------------

GUI = PACKAGE / "gui"

# Imports across the declared rules, each with its reason; the list only shrinks.
GUI_EXCEPTIONS = {
    ("ner_studio/gui/shell/qt_host.py", "ner_studio.gui.window.qt_workspace"):
        "type hints only (TYPE_CHECKING): the host hands out the workspace the window owns",
    ("ner_studio/gui/shell/qt_host.py", "ner_studio.gui.annotate.qt_highlighter"):
        "type hints only (TYPE_CHECKING): the host's span_style is the text view's",
    ("ner_studio/gui/shell/qt_host.py", "ner_studio.gui.annotate.qt_text_view"):
        "type hints only (TYPE_CHECKING): the host's view is the annotate room's text view",
    ("ner_studio/gui/corpus/qt_project_steps.py", "ner_studio.gui.window.qt_workspace"):
        "type hints only (TYPE_CHECKING): a project-wide step edits the host's workspace",
}


def gui_crossings() -> tuple[list[str], set[tuple[str, str]]]:
    """The imports of gui's packages their ``May import:`` line does not allow (offences) and
    those GUI_EXCEPTIONS excuse. The entry point at gui's top (``app.py``) may import any."""
    rules = declared_rules(GUI)
    offences, excused = [], set()
    for path in sorted(GUI.glob("*/**/*.py")):
        package = path.relative_to(GUI).parts[0]
        for name in crossings(path, package, rules, "gui"):
            where = str(path.relative_to(PACKAGE.parent))
            if (where, name) in GUI_EXCEPTIONS:
                excused.add((where, name))
            else:
                offences.append(f"{where} imports {name}")
    return offences, excused


def test_gui_packages_import_only_what_they_declare():
    """shell/ imports no room, the rooms import shell/ and the few rooms they declare, and
    only window/ (the composition root) imports them all; nothing but app.py imports window/."""
    rules = declared_rules(GUI)
    assert rules["shell"] == set(), "shell/ is the ground: it imports no room"
    assert "window" not in set().union(*(allowed for package, allowed in rules.items() if package != "window"))
    assert rules["window"] == set(rules) - {"window"}
    offences, excused = gui_crossings()
    assert not offences, "\n".join(offences)
    assert excused == set(GUI_EXCEPTIONS), f"no longer needed: {set(GUI_EXCEPTIONS) - excused}"


def test_the_gui_rules_see_offences(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text("from ner_studio.gui.window.qt_main_window import MainWindow\n"
                     "from ner_studio.gui.shell.qt_host import Host\n"
                     "from ner_studio.core.errors import FormatError\n")
    rules = {"shell": set(), "annotate": {"shell"}, "window": {"shell", "annotate"}}
    assert crossings(probe, "annotate", rules, "gui") == ["ner_studio.gui.window.qt_main_window"]
    assert crossings(probe, "shell", rules, "gui") == ["ner_studio.gui.window.qt_main_window"]
    assert crossings(probe, "window", rules, "gui") == []


# --- the GUI's controllers see a host, not the window (gui/shell/qt_host.py) ------------------

SHELL = PACKAGE / "gui" / "shell"
WINDOW = PACKAGE / "gui" / "window"  # builds the window, so it may name it
ENTRY_POINT = PACKAGE / "gui" / "app.py"  # starts the window, so it may name it


def outside_the_window() -> list[Path]:
    return [p for p in sorted((PACKAGE / "gui").rglob("*.py")) if WINDOW not in p.parents and p != ENTRY_POINT]


def in_the_rooms() -> list[Path]:
    """The feature rooms' modules: neither the ground (whose dock fitter is handed the window
    itself) nor the window."""
    return [p for p in outside_the_window() if SHELL not in p.parents]


def names_the_main_window(source: str) -> list[str]:
    """Imports of the main window's module and uses of the name ``MainWindow``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name.endswith("qt_main_window")]
        elif isinstance(node, ast.ImportFrom) and node.module:
            found += [f"{node.module}.{a.name}" for a in node.names
                      if node.module.endswith("qt_main_window") or a.name in ("qt_main_window", "MainWindow")]
        elif isinstance(node, ast.Name) and node.id == "MainWindow":
            found.append("MainWindow")
    return found


def host_members() -> set[str]:
    """What the ``Host`` protocol declares: its attributes, properties and methods."""
    tree = ast.parse((SHELL / "qt_host.py").read_text(encoding="utf-8"))
    [host] = [n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "Host"]
    members = set()
    for node in host.body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            members.add(node.target.id)
        elif isinstance(node, ast.FunctionDef):
            members.add(node.name)
    return members


def uses_of_the_host(source: str) -> set[str]:
    """Attributes read on ``host``, ``self.host`` or ``self.window`` (the old name)."""
    used = set()
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Attribute):
            continue
        base = node.value
        if isinstance(base, ast.Name) and base.id in ("host", "window"):
            used.add(node.attr)
        elif (isinstance(base, ast.Attribute) and base.attr in ("host", "window")
              and isinstance(base.value, ast.Name) and base.value.id == "self"):
            used.add(node.attr)
    return used


def test_nothing_in_the_gui_but_the_window_names_the_main_window():
    offences = [f"{path.relative_to(PACKAGE.parent)}: {name}"
                for path in outside_the_window() for name in names_the_main_window(path.read_text(encoding="utf-8"))]
    assert not offences, "\n".join(offences)


def test_controllers_use_only_what_the_host_declares():
    """File, edit, learning, review and the corpus tools reach the window only through the
    ``Host`` protocol: no private attribute, no menu bar, status bar or action table of it."""
    members = host_members()
    assert {"workspace", "add_commands", "add_dock", "show_status", "show_error", "span_style"} <= members
    offences = [f"{path.relative_to(PACKAGE.parent)} uses host.{name}"
                for path in in_the_rooms()
                for name in sorted(uses_of_the_host(path.read_text(encoding="utf-8")) - members)]
    assert not offences, "\n".join(offences)
    users = {p.name for p in in_the_rooms() if uses_of_the_host(p.read_text(encoding="utf-8"))}
    assert {"qt_file_commands.py", "qt_edit_commands.py", "qt_learning.py", "qt_review_controller.py"} <= users


def test_the_host_checks_see_offences():
    probe = ("from ner_studio.gui.window.qt_main_window import MainWindow\n"
             "class Tool:\n"
             "    def __init__(self, host):\n"
             "        host.statusBar().showMessage('x')\n"
             "        self.window = host\n"
             "        self.window._dock('x')\n"
             "        self.host.actions_['save'].trigger()\n")
    assert names_the_main_window(probe) == ["ner_studio.gui.window.qt_main_window.MainWindow"]
    assert uses_of_the_host(probe) == {"statusBar", "_dock", "actions_"}


def import_cycle(package: str) -> list[str] | None:
    """A cycle of imports among ``ner_studio.<package>``'s modules (typing-only imports count:
    they say the modules know each other), or None."""
    folder = PACKAGE / package
    # a package is its __init__; "from ner_studio.core.store import project_rows" imports the module
    modules = {".".join(p.relative_to(PACKAGE.parent).with_suffix("").parts).removesuffix(".__init__"): p
               for p in folder.rglob("*.py")}
    graph = {name: sorted(m for m in imported_modules(path, modules) if m in modules and m != name)
             for name, path in modules.items()}
    state: dict[str, int] = {}  # 1 on the path, 2 done

    def visit(name: str, path: list[str]) -> list[str] | None:
        state[name] = 1
        for following in graph[name]:
            if state.get(following) == 1:
                return path[path.index(following):] + [following] if following in path else [name, following]
            if following not in state:
                found = visit(following, path + [following])
                if found:
                    return found
        state[name] = 2
        return None

    for name in sorted(graph):
        if name not in state:
            found = visit(name, [name])
            if found:
                return found
    return None


@pytest.mark.parametrize("package", ["core", "model"])
def test_no_import_cycles(package):
    cycle = import_cycle(package)
    assert cycle is None, " -> ".join(cycle)


def test_the_cycle_check_sees_a_package_import(tmp_path, monkeypatch):
    """``from ner_studio.core.store import project_rows`` is an edge to that module, as
    ``from ner_studio.core import project_rows`` was before core had packages."""
    root = tmp_path / "ner_studio"
    (root / "core" / "store").mkdir(parents=True)
    (root / "core" / "__init__.py").write_text("")
    (root / "core" / "store" / "__init__.py").write_text("")
    (root / "core" / "store" / "rows.py").write_text("from ner_studio.core.store import edits\n")
    (root / "core" / "store" / "edits.py").write_text("from ner_studio.core.store import rows\n")
    monkeypatch.setattr(sys.modules[__name__], "PACKAGE", root)
    assert import_cycle("core") in (["ner_studio.core.store.edits", "ner_studio.core.store.rows",
                                     "ner_studio.core.store.edits"],
                                    ["ner_studio.core.store.rows", "ner_studio.core.store.edits",
                                     "ner_studio.core.store.rows"])
