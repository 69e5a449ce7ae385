from django.urls import path

from . import views

app_name = "courses"

urlpatterns = [
    path("courses/mine/", views.my_courses, name="mine"),
    path("courses/<int:course_id>/enrol/", views.enrol, name="enrol"),
    path("courses/<int:course_id>/leave/", views.leave, name="leave"),
    path("courses/<int:course_id>/complete/", views.course_complete, name="complete"),
    path("courses/<int:course_id>/manage/", views.manage_course, name="manage"),
    path(
        "courses/<int:course_id>/manage/export.csv",
        views.manage_course_export,
        name="manage-export",
    ),
    path("courses/<int:course_id>/multipliers/", views.multiplier_directory, name="directory"),
    path(
        "courses/<int:course_id>/multipliers/me/", views.directory_opt_in, name="directory-opt-in"
    ),
    path(
        "courses/enrolments/<int:enrolment_id>/decide/",
        views.enrolment_decide,
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
        views.certificate_revoke,
        name="certificate-revoke",
    ),
    path(
        "courses/name-corrections/<int:request_id>/",
        views.name_correction_decide,
        name="name-correction",
    ),
    path("certificates/verify/", views.certificate_verify_form, name="certificate-verify-form"),
    path("certificates/verify/<str:code>/", views.certificate_verify, name="certificate-verify"),
]
