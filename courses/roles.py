"""Who belongs to the courses' roles; a leaf module that models, permissions and forms read."""

from __future__ import annotations

from . import conf


def is_trainer_staff(user) -> bool:
    """A member of the trainers' group: may add courses and be chosen as a course's trainer."""
    return bool(
        user.is_authenticated
        and user.is_active
        and user.groups.filter(name=conf.get("TRAINER_GROUP")).exists()
    )
