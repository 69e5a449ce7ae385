from django.core.files.storage import FileSystemStorage
from django.utils.functional import LazyObject

from . import conf


class PrivateFileSystemStorage(FileSystemStorage):
    """Has no public address: only access-checked views deliver these files."""

    def url(self, name: str | None) -> str:
        return ""


class PrivateStorage(LazyObject):
    """Videos, captions sources and trainer kits: outside MEDIA_ROOT, without URLs."""

    def _setup(self):
        self._wrapped = PrivateFileSystemStorage(location=str(conf.get("PRIVATE_MEDIA_ROOT")))


private_storage = PrivateStorage()


def get_private_storage():
    return private_storage
