"""The personal area (/me/) is composed of sections that each app contributes through the
``register_me_section`` Wagtail hook: a function taking the request and returning a
``MeSection`` (or None)."""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class MeSection:
    title: str
    url: str
    description: str = ""
    order: int = 100
    links: list[tuple[str, str]] = field(default_factory=list)
