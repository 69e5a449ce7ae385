from django.urls import path

from . import trainer_views, views
from .live import views as live
from .live.workshop import views as workshop

app_name = "courses"

urlpatterns = [
    path("courses/mine/", views.my_courses, name="mine"),
    path("courses/<int:course_id>/enrol/", views.enrol, name="enrol"),
    path("courses/<int:course_id>/leave/", views.leave, name="leave"),
    path("courses/<int:course_id>/complete/", views.course_complete, name="complete"),
    path("courses/<int:course_id>/manage/", trainer_views.manage_course, name="manage"),
    path(
        "courses/<int:course_id>/manage/export.csv",
        trainer_views.manage_course_export,
        name="manage-export",
    ),
    path("courses/<int:course_id>/multipliers/", views.multiplier_directory, name="directory"),
    path(
        "courses/<int:course_id>/multipliers/me/", views.directory_opt_in, name="directory-opt-in"
    ),
    path(
        "courses/enrolments/<int:enrolment_id>/decide/",
        trainer_views.enrolment_decide,
        name="enrolment-decide",
    ),
    path("courses/lessons/<int:lesson_id>/done/", views.lesson_done, name="lesson-done"),
    path(
        "courses/lessons/<int:lesson_id>/quizzes/<int:quiz_id>/",
        views.quiz_submit,
        name="quiz-submit",
    ),
    path("courses/videos/<int:video_id>/file/", views.video_file, name="video-file"),
    path(
        "courses/videos/<int:video_id>/tracks/<int:track_id>.vtt",
        views.caption_track,
        name="caption-track",
    ),
    path("courses/kit/<int:item_id>/", views.trainer_kit_file, name="kit-file"),
    path("courses/certificates/<str:code>.pdf", views.certificate_download, name="certificate-pdf"),
    path(
        "courses/certificates/<str:code>/name/",
        views.certificate_name_correction,
        name="certificate-name",
    ),
    path(
        "courses/certificates/<str:code>/revoke/",
        trainer_views.certificate_revoke,
        name="certificate-revoke",
    ),
    path(
        "courses/name-corrections/<int:request_id>/",
        trainer_views.name_correction_decide,
        name="name-correction",
    ),
    path("courses/live/mine/", live.mine, name="live-mine"),
    path("courses/runs/<int:run_id>/live/", live.manage, name="live-manage"),
    path("courses/live/<uuid:session_uuid>/", live.detail, name="live-session"),
    path("courses/live/<uuid:session_uuid>/join/", live.join, name="live-join"),
    path("courses/live/<uuid:session_uuid>/workshop/", workshop.setup, name="live-workshop"),
    path(
        "courses/live/<uuid:session_uuid>/workshop/state/",
        workshop.state,
        name="live-workshop-state",
    ),
    path(
        "courses/live/<uuid:session_uuid>/workshop/endpoint/",
        workshop.endpoint,
        name="live-workshop-endpoint",
    ),
    path(
        "courses/live/<uuid:session_uuid>/workshop/round/",
        workshop.round_start,
        name="live-workshop-round",
    ),
    path(
        "courses/live/<uuid:session_uuid>/workshop/back/",
        workshop.round_end,
        name="live-workshop-back",
    ),
    path("courses/live/<uuid:session_uuid>/register/", live.register, name="live-register"),
    path("courses/live/<uuid:session_uuid>/unregister/", live.unregister, name="live-unregister"),
    path("courses/live/<uuid:session_uuid>/edit/", live.edit, name="live-edit"),
    path("courses/live/<uuid:session_uuid>/cancel/", live.cancel, name="live-cancel"),
    path("courses/live/<uuid:session_uuid>/restore/", live.restore, name="live-restore"),
    path("courses/live/<uuid:session_uuid>/attendance/", live.attendance, name="live-attendance"),
    path(
        "courses/live/<uuid:session_uuid>/attendance.csv",
        live.attendance_export,
        name="live-attendance-export",
    ),
    path(
        "courses/live/<uuid:session_uuid>/attendance/compute/",
        live.attendance_compute,
        name="live-attendance-compute",
    ),
    path(
        "courses/live/<uuid:session_uuid>/attendance/correct/",
        live.attendance_correct,
        name="live-attendance-correct",
    ),
    path("certificates/verify/", views.certificate_verify_form, name="certificate-verify-form"),
    path("certificates/verify/<str:code>/", views.certificate_verify, name="certificate-verify"),
]
