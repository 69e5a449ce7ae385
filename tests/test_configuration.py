"""Every environment variable Tandem reads is explained in README's configuration table, so an
operator learns every setting from one place (issue 15: "the configuration table lists every new
variable"). The variables are found in the code, not in a list kept by hand: every call of the
settings' env helpers (env, env_bool, env_int, env_list) and every os.environ / os.getenv read
with a literal name, in the settings and the apps. The topology (ops/topology.py) sets only
variables the settings read, and its own TOPOLOGY_* variables are explained in
docs/deployment.md."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APPS = ("lms", "cms", "courses", "mentoring", "video", "knowledge")
ENV_HELPERS = {"env", "env_bool", "env_int", "env_list"}


def _name(node: ast.AST) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def variables_read(path: Path) -> set[str]:
    """Names of the environment variables that ``path`` reads (literal names only)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Call) and node.args and (name := _name(node.args[0])):
            function = node.func
            if isinstance(function, ast.Name) and function.id in ENV_HELPERS:
                found.add(name)
            elif isinstance(function, ast.Attribute) and (
                (
                    function.attr in {"get", "setdefault", "pop"}
                    and ast.unparse(function.value) == "os.environ"
                )
                or (function.attr == "getenv" and ast.unparse(function.value) == "os")
            ):
                found.add(name)
        elif (
            isinstance(node, ast.Subscript)
            and ast.unparse(node.value) == "os.environ"
            and (name := _name(node.slice))
        ):
            found.add(name)
    return found


def sources() -> list[Path]:
    files = [ROOT / "manage.py"]
    for app in APPS:
        files += [
            path
            for path in (ROOT / app).rglob("*.py")
            if "migrations" not in path.parts and "__pycache__" not in path.parts
        ]
    return files


def site_variables() -> dict[str, set[Path]]:
    """Every variable the site reads, with the files that read it."""
    found: dict[str, set[Path]] = {}
    for path in sources():
        for name in variables_read(path):
            found.setdefault(name, set()).add(path.relative_to(ROOT))
    return found


def configuration_table() -> set[str]:
    """The variables named in the first column of README's configuration table."""
    readme = (ROOT / "README.md").read_text()
    section = readme.split("\n## Configuration\n", 1)[1].split("\n## ", 1)[0]
    names: set[str] = set()
    for line in section.splitlines():
        if line.startswith("| `"):
            first_column = line.split("|")[1]
            names.update(re.findall(r"`([A-Z][A-Z0-9_]*)`", first_column))
    return names


def topology_environment() -> set[str]:
    """The variables ops/topology.py's make_environment gives every process of the topology."""
    tree = ast.parse((ROOT / "ops" / "topology.py").read_text())
    function = next(
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef) and node.name == "make_environment"
    )
    returned = [
        node.value
        for node in ast.walk(function)
        if isinstance(node, ast.Return) and isinstance(node.value, ast.Dict)
    ]
    assert returned, "make_environment returns a dict literal"
    return {name for key in returned[0].keys if key is not None and (name := _name(key))}


def test_the_finder_sees_the_settings_variables():
    """The search itself works: well-known variables of each kind of helper are found."""
    found = site_variables()
    for name in ("SECRET_KEY", "ALLOWED_HOSTS", "EMAIL_PORT", "EMAIL_USE_TLS", "REDIS_URL"):
        assert Path("lms/settings/base.py") in found[name]
    assert Path("lms/settings/production.py") in found["SECURE_COOKIES"]
    assert Path("manage.py") in found["DJANGO_SETTINGS_MODULE"]


def test_every_variable_the_site_reads_is_in_the_readme_configuration_table():
    table = configuration_table()
    missing = {
        name: sorted(str(path) for path in paths)
        for name, paths in site_variables().items()
        if name not in table
    }
    assert missing == {}, "add a row to README.md's configuration table for each of these"


def test_the_table_names_no_variable_that_nothing_reads():
    """A row for a variable that was renamed or removed would send operators astray."""
    assert configuration_table() - set(site_variables()) == set()


def test_the_topology_sets_only_variables_the_site_reads():
    """A misspelt name in ops/topology.py would be ignored silently by the settings."""
    assert topology_environment() - set(site_variables()) == set()


def test_the_topology_own_variables_are_explained_in_the_deployment_guide():
    guide = (ROOT / "docs" / "deployment.md").read_text()
    own = variables_read(ROOT / "ops" / "topology.py")
    assert own, "ops/topology.py reads TOPOLOGY_* variables"
    assert sorted(name for name in own if f"`{name}`" not in guide) == []
