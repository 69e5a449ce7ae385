"""cms has no import circles, not even ones held together by imports inside functions."""

import ast
from pathlib import Path

CMS = Path(__file__).resolve().parents[2] / "cms"


def _imports(path: Path) -> set[str]:
    """The cms modules ``path`` imports, anywhere in it (inside functions too)."""
    package = (
        "cms"
        if path.name == "__init__.py"
        else ".".join(("cms", *path.relative_to(CMS).with_suffix("").parts[:-1]))
    )
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, base] if base else parent)
            names = [base] + [f"{base}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        found |= {name for name in names if name.startswith("cms")}
    return found


def test_cms_modules_import_each_other_in_one_direction_only():
    modules = {
        ".".join(("cms", *path.relative_to(CMS).with_suffix("").parts)).removesuffix(
            ".__init__"
        ): path
        for path in CMS.rglob("*.py")
        if "migrations" not in path.parts
    }
    graph = {
        name: {m for m in _imports(path) if m in modules and m != name}
        for name, path in modules.items()
    }

    def cycle_from(start):
        stack = [(start, [start])]
        seen = set()
        while stack:
            node, trail = stack.pop()
            for nxt in graph[node]:
                if nxt == start:
                    return [*trail, start]
                if nxt not in seen:
                    seen.add(nxt)
                    stack.append((nxt, [*trail, nxt]))
        return None

    cycles = [cycle for name in sorted(graph) if (cycle := cycle_from(name))]
    assert cycles == []
