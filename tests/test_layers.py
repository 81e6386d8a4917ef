"""The layer boundaries of the architecture, checked on every module's imports."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "ner_studio"

FORBIDDEN = {
    "core": ("torch", "PySide6", "ner_studio.model", "ner_studio.gui", "ner_studio.commands"),
    "model": ("PySide6", "ner_studio.gui", "ner_studio.commands"),
    "commands": ("ner_studio.gui",),
}


def imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layer_does_not_import_what_it_must_not(layer):
    offences = []
    for path in sorted((PACKAGE / layer).rglob("*.py")):
        for name in imported_modules(path):
            if any(name == f or name.startswith(f + ".") for f in FORBIDDEN[layer]):
                offences.append(f"{path.relative_to(PACKAGE.parent)} imports {name}")
    assert not offences, "\n".join(offences)


def test_the_checker_sees_imports(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text("import torch\nfrom PySide6.QtCore import QObject\n")
    assert {"torch", "PySide6.QtCore"} <= imported_modules(probe)
