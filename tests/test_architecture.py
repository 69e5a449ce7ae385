"""Imports point one way: lms -> courses, mentoring -> cms. The plugins never import each
other, and nothing below the site imports the site."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FORBIDDEN = {
    "cms": {"lms", "courses", "mentoring"},
    "courses": {"lms", "mentoring"},
    "mentoring": {"lms", "courses"},
}


def imported_packages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.count(".") >= 1:
            # dotted strings such as "lms.models.User" in lazy references
            head = node.value.split(".")[0]
            if head in {"lms", "courses", "mentoring", "cms"} and " " not in node.value:
                names.add(head)
    return names


@pytest.mark.parametrize("app", sorted(FORBIDDEN))
def test_imports_point_one_way(app):
    offenders = []
    for path in sorted((ROOT / app).rglob("*.py")):
        wrong = imported_packages(path) & FORBIDDEN[app]
        if wrong:
            offenders.append(f"{path.relative_to(ROOT)} imports {sorted(wrong)}")
    assert not offenders, "\n".join(offenders)


def test_the_rule_catches_a_sideways_import(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("from mentoring.models import Tandem\n")
    assert "mentoring" in imported_packages(module)
