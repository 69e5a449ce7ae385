from django.db import transaction
from rest_framework.authtoken.models import Token

from .models import User

PREFERENCE_FIELDS = {"first_name", "last_name", "language", "time_zone"}


@transaction.atomic
def user_update_preferences(*, user: User, **changes: str) -> User:
    unknown = set(changes) - PREFERENCE_FIELDS
    if unknown:
        raise ValueError(f"Not a preference: {', '.join(sorted(unknown))}")
    for field, value in changes.items():
        setattr(user, field, value)
    user.full_clean(exclude=["password"])
    user.save(update_fields=list(changes))
    return user


@transaction.atomic
def api_token_rotate(*, user: User) -> Token:
    """Replace the person's API token; the old one stops working at once."""
    Token.objects.filter(user=user).delete()
    return Token.objects.create(user=user)


@transaction.atomic
def api_token_revoke(*, user: User) -> None:
    Token.objects.filter(user=user).delete()
