"""What the import contracts cannot see. Imports point one way (lms -> courses, mentoring -> video
-> cms)
and the layers inside each app hold: import-linter checks both (`lint-imports`, contracts in
pyproject.toml, run by `make lint`). Left here: lazy references in strings, migrations, URL names
in templates and the replaceable base template."""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FORBIDDEN = {
    "cms": {"lms", "courses", "mentoring", "video", "knowledge"},
    "courses": {"lms", "mentoring", "knowledge"},
    "mentoring": {"lms", "courses", "knowledge"},
    "video": {"lms", "courses", "mentoring", "knowledge"},
    "knowledge": {"lms", "courses", "mentoring"},
}


def referenced_packages(path: Path) -> set[str]:
    """Apps named in dotted strings such as "lms.models.User" (lazy references import-linter
    cannot follow)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return {
        node.value.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and node.value.count(".") >= 1
        and " " not in node.value
        and node.value.split(".")[0] in {"lms", "courses", "mentoring", "video", "knowledge", "cms"}
    }


@pytest.mark.parametrize("app", sorted(FORBIDDEN))
def test_lazy_references_point_one_way(app):
    offenders = []
    for path in sorted((ROOT / app).rglob("*.py")):
        wrong = referenced_packages(path) & FORBIDDEN[app]
        if wrong:
            offenders.append(f"{path.relative_to(ROOT)} names {sorted(wrong)}")
    assert not offenders, "\n".join(offenders)


def test_the_rule_catches_a_sideways_lazy_reference(tmp_path):
    module = tmp_path / "m.py"
    module.write_text('Tandem = "mentoring.Tandem"\n')
    assert "mentoring" in referenced_packages(module)


@pytest.mark.parametrize("app", sorted(FORBIDDEN))
def test_migrations_depend_only_downwards(app):
    """A plugin's migrations must run on a site without lms (and without the other plugin). The
    user model is swappable (settings.AUTH_USER_MODEL, here lms.User): depending on it is fine."""
    from django.conf import settings
    from django.db.migrations.loader import MigrationLoader

    swappable_user = (settings.AUTH_USER_MODEL.split(".")[0], "__first__")
    loader = MigrationLoader(None, ignore_no_migrations=True)
    wrong = [
        f"{key[1]} depends on {dependency}"
        for key, migration in loader.disk_migrations.items()
        if key[0] == app
        for dependency in migration.dependencies
        if dependency[0] in FORBIDDEN[app] and tuple(dependency) != swappable_user
    ]
    assert not wrong, "\n".join(wrong)


# {% url 'name' %} without "as" fails when the name does not exist: plugin templates may use it
# only for their own URLs and Wagtail's; the site's (e.g. "me") only with "as" and a fallback.
OWN_URL_NAMES = {
    "cms": ("cms_", "wagtail"),
    "courses": ("courses:", "courses-api:", "courses_", "video:", "wagtail"),
    "mentoring": ("mentoring:", "mentoring-api:", "mentoring_", "video:", "wagtail"),
    "video": ("video:", "video-api:", "video_", "wagtail"),
    "knowledge": ("knowledge:", "knowledge-api:", "wagtail"),
}
URL_TAG = re.compile(r"{%\s*url\s+['\"]([^'\"]+)['\"]([^%]*)%}")


@pytest.mark.parametrize("app", sorted(OWN_URL_NAMES))
def test_templates_need_no_url_of_the_site(app):
    offenders = []
    for path in sorted((ROOT / app / "templates").rglob("*.html")):
        for name, rest in URL_TAG.findall(path.read_text(encoding="utf-8")):
            if not name.startswith(OWN_URL_NAMES[app]) and " as " not in f" {rest} ":
                offenders.append(f"{path.relative_to(ROOT)}: {{% url '{name}' %}}")
    assert not offenders, "\n".join(offenders)


@pytest.mark.parametrize("app", sorted(OWN_URL_NAMES))
def test_pages_extend_the_replaceable_base_template(app):
    """Every page template of a plugin extends tandem/base.html (or the Wagtail admin's base),
    so that a host site's base template frames it."""
    offenders = []
    for path in sorted((ROOT / app / "templates").rglob("*.html")):
        source = path.read_text(encoding="utf-8")
        match = re.match(r"\s*{%\s*extends\s+['\"]([^'\"]+)['\"]", source)
        if (
            match
            and match.group(1) not in ("tandem/base.html",)
            and not match.group(1).startswith("wagtailadmin/")
        ):
            if path.relative_to(ROOT / app / "templates").as_posix() != "tandem/base.html":
                offenders.append(f"{path.relative_to(ROOT)} extends {match.group(1)}")
    assert not offenders, "\n".join(offenders)


def test_every_domain_event_is_documented_with_its_sender_receiver_and_test():
    """Rules are not hidden in signals: an app-level ``Signal()`` in one of Tandem's apps is a
    domain event that docs/architecture.md names with where it is sent, where it is received and
    the test that covers it (which must exist)."""
    architecture = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    events = []
    for path in sorted(ROOT.glob("*/signals.py")):
        if path.parent.name not in FORBIDDEN:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        events += [
            f"{path.parent.name}.signals.{target.id}"
            for node in tree.body
            if isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Call)
            and getattr(node.value.func, "id", "") == "Signal"
            for target in node.targets
            if isinstance(target, ast.Name)
        ]
    assert events, "courses.signals.enrolment_left should be found"
    for event in events:
        assert f"`{event}`" in architecture, f"{event} is not described in docs/architecture.md"
        section = architecture.split(f"`{event}`", 1)[1].split("\n### ", 1)[0]
        for part in ("**sent**", "**received**", "**tested**"):
            assert part in section, f"{event}: say what is {part.strip('*')} in its section"
        tests = re.findall(r"`(tests/[\w/]+\.py)::(\w+)`", section)
        assert tests, f"{event}: name the test that covers it (tests/…py::test_…)"
        for test_file, name in tests:
            source = (ROOT / test_file).read_text(encoding="utf-8")
            assert f"def {name}(" in source, f"{test_file}::{name} does not exist"
