"""Security events for the audit log: logins, failed logins, role and permission changes."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db.models.signals import m2m_changed, pre_save
from django.dispatch import receiver

from cms import audit

User = get_user_model()


@receiver(user_logged_in)
def _login(sender, request, user, **kwargs):
    audit.record(action="auth.login", by=user)


@receiver(user_login_failed)
def _login_failed(sender, credentials=None, request=None, **kwargs):
    audit.record(action="auth.login_failed")  # the typed address is not kept


@receiver(m2m_changed, sender=User.groups.through)
def _roles(sender, instance, action, pk_set, **kwargs):
    if action in ("post_add", "post_remove", "post_clear") and isinstance(instance, User):
        names = sorted(Group.objects.filter(pk__in=pk_set or []).values_list("name", flat=True))
        audit.record(action=f"roles.{action.removeprefix('post_')}", subject=instance, groups=names)


@receiver(m2m_changed, sender=Group.permissions.through)
def _group_permissions(sender, instance, action, pk_set, **kwargs):
    if action in ("post_add", "post_remove", "post_clear") and isinstance(instance, Group):
        audit.record(
            action=f"permissions.{action.removeprefix('post_')}",
            target=f"group {instance.name}",
            permissions=len(pk_set or []),
        )


@receiver(pre_save, sender=User)
def _flags(sender, instance, raw=False, **kwargs):
    if raw or instance.pk is None:
        return
    before = User._base_manager.filter(pk=instance.pk).values("is_superuser", "is_staff").first()
    if before is None:
        return
    changed = {
        flag: getattr(instance, flag)
        for flag in ("is_superuser", "is_staff")
        if before[flag] != getattr(instance, flag)
    }
    if changed:
        audit.record(action="permissions.flags", subject=instance, **changed)
