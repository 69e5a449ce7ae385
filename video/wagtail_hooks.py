"""The permission "May host video rooms" on the group pages of the Wagtail admin."""

from django.contrib.auth.models import Permission
from wagtail import hooks


@hooks.register("register_permissions")
def register_permissions():
    return Permission.objects.filter(content_type__app_label="video", codename="host_rooms")
