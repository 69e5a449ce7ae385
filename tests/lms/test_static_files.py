"""Static files in production: content-hashed names (so nginx may let browsers keep them for a
year, ops/nginx/tandem.conf) and a compressed copy of each beside it (nginx's gzip_static)."""

import gzip
import importlib
import json
import re

from django.core.management import call_command


def test_the_production_settings_compress_and_hash_static_files():
    production = importlib.import_module("lms.settings.production")
    assert (
        production.STORAGES["staticfiles"]["BACKEND"]
        == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    )


def test_collectstatic_writes_hashed_names_with_compressed_copies(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path
    settings.STATICFILES_FINDERS = ["django.contrib.staticfiles.finders.FileSystemFinder"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", "--noinput", verbosity=0)

    paths = json.loads((tmp_path / "staticfiles.json").read_text())["paths"]
    hashed = paths["css/tandem.css"]
    assert re.fullmatch(r"css/tandem\.[0-9a-f]{12}\.css", hashed)
    original = (settings.BASE_DIR / "static" / "css" / "tandem.css").read_bytes()
    compressed = tmp_path / f"{hashed}.gz"
    assert gzip.decompress(compressed.read_bytes()) == (tmp_path / hashed).read_bytes()
    assert len(compressed.read_bytes()) < len(original)
    assert (tmp_path / "img" / "favicon.svg").exists()  # the plain name too, for old links
