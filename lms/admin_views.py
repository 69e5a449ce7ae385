"""Staff side of data protection: a programme manager (for people in their programmes) or a
superuser asks for a person's erasure, e.g. after a request by phone or letter."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from cms.mail import send_templated_mail, site_url
from mentoring.models import Application
from mentoring.selectors import managed_programmes

from . import services


def _may_erase(staff, person) -> bool:
    if person.is_superuser or person.pk == staff.pk:
        return False
    if staff.is_superuser:
        return True
    return Application.objects.filter(user=person, programme__in=managed_programmes(staff)).exists()


def erasure_for_person(request: HttpRequest, user_id: int) -> HttpResponse:
    person = get_object_or_404(get_user_model(), pk=user_id, is_active=True)
    if not _may_erase(request.user, person):
        raise Http404
    back = request.GET.get("next") or reverse("wagtailadmin_home")
    if request.method == "POST":
        try:
            erasure = services.erasure_request(user=person, by=request.user)
        except services.PrivacyError as error:
            messages.error(request, str(error.message))
        else:
            _tell(person, erasure)
            messages.success(
                request,
                _(
                    "The account will be deleted on %(due)s. The person has been told and "
                    "can cancel until then."
                )
                % {
                    "due": formats.date_format(
                        timezone.localtime(erasure.due_at), "DATETIME_FORMAT"
                    )
                },
            )
        return redirect(back if back.startswith("/") else reverse("wagtailadmin_home"))
    return TemplateResponse(
        request,
        "lms/admin/erasure_confirm.html",
        {"person": person, "next": back, "cool_off_days": services.erasure_cool_off().days},
    )


def _tell(person, erasure) -> None:
    send_templated_mail(
        template="lms/emails/erasure_requested",
        to=person,
        context={
            "name": person.get_full_name() or person.email,
            "erasure": erasure,
            "url": site_url(reverse("me-privacy")),
        },
    )
