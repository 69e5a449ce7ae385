from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.utils.functional import LazyObject

from . import conf

#: The STORAGES alias of the private files when a site keeps them elsewhere than on this machine's
#: disk (e.g. a private S3 bucket, lms/settings/base.py). Such a storage must not make public URLs.
PRIVATE_STORAGE_ALIAS = "private"


class PrivateFileSystemStorage(FileSystemStorage):
    """Has no public address: only access-checked views deliver these files."""

    def url(self, name: str | None) -> str:
        return ""


class PrivateStorage(LazyObject):
    """Videos, captions sources and trainer kits: outside MEDIA_ROOT (or in a private bucket),
    delivered only by access-checked views (cms.files.serve_file)."""

    def _setup(self):
        if PRIVATE_STORAGE_ALIAS in settings.STORAGES:
            self._wrapped = storages[PRIVATE_STORAGE_ALIAS]
        else:
            self._wrapped = PrivateFileSystemStorage(location=str(conf.get("PRIVATE_MEDIA_ROOT")))


private_storage = PrivateStorage()


def get_private_storage():
    return private_storage
