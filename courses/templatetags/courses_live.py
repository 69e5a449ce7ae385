"""The live sessions box on the course page (a tag, so page models and selectors need not know
the live sessions package)."""

from django import template

from ..live.selectors import course_live_sessions

register = template.Library()


@register.inclusion_tag("courses/live/course_box.html", takes_context=True)
def live_sessions_box(context, course, enrolment):
    request = context.get("request")
    user = getattr(request, "user", None)
    rows = (
        course_live_sessions(course=course, user=user, enrolment=enrolment)
        if user is not None and user.is_authenticated
        else []
    )
    return {"rows": rows, "request": request, "enrolment": enrolment}
