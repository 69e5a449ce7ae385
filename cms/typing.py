"""Types the plugins share."""

from typing import Any, TypeAlias

#: A person: an instance of the site's user model (settings.AUTH_USER_MODEL). The plugins cannot
#: name its class (each site chooses its own), so for the type checker it is any object; the
#: model fields that point at it check the real class at run time.
User: TypeAlias = Any
