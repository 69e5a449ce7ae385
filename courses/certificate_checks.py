"""System check: the certificate renderer a site configured can be imported and called."""

from django.core.checks import Error, register
from django.utils.module_loading import import_string

from . import conf

SETTING = "TANDEM_COURSES_CERTIFICATE_RENDERER"


@register()
def certificate_renderer_check(app_configs, **kwargs) -> list:
    renderer = conf.get("CERTIFICATE_RENDERER")
    if isinstance(renderer, str):
        try:
            renderer = import_string(renderer)
        except Exception as error:  # any failure to import is reported, not raised
            return [
                Error(
                    f"{SETTING} = {conf.get('CERTIFICATE_RENDERER')!r} cannot be imported: {error}",
                    hint="Give the dotted path of a function, e.g. "
                    '"mysite.certificates.render" (docs/courses.md).',
                    id="courses.E002",
                )
            ]
    if not callable(renderer):
        return [
            Error(
                f"{SETTING} does not name a function: {renderer!r}",
                hint="The renderer is called with the keyword arguments certificate, verify_url and "
                "language and returns the PDF as bytes (docs/courses.md).",
                id="courses.E002",
            )
        ]
    return []
