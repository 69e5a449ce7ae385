from django.urls import path
from wagtail import hooks

from . import admin_views


@hooks.register("register_admin_urls")
def privacy_admin_urls():
    return [
        path(
            "privacy/erase/<int:user_id>/",
            admin_views.erasure_for_person,
            name="lms_erasure_for_person",
        )
    ]
