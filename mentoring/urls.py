from django.urls import path

from . import views

app_name = "mentoring"

urlpatterns = [
    path("mentoring/mine/", views.my_mentoring, name="mine"),
    path("mentoring/programmes/<int:page_id>/apply/<str:role>/", views.apply, name="apply"),
    path("mentoring/tandems/<int:tandem_id>/", views.tandem_detail, name="tandem"),
    path("mentoring/tandems/<int:tandem_id>/answer/", views.tandem_respond, name="tandem-respond"),
    path("mentoring/tandems/<int:tandem_id>/feedback/<str:phase>/", views.feedback, name="feedback"),
    path("mentoring/applications/<int:application_id>/withdraw/", views.application_withdraw, name="withdraw"),
    path("mentoring/applications/<int:application_id>/pause/", views.application_pause, name="pause"),
    path("mentoring/applications/<int:application_id>/request/", views.mentee_request, name="request"),
]
