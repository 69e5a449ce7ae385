from django.urls import path

from . import views

app_name = "knowledge"

urlpatterns = [
    path("knowledge/spaces/<int:space_id>/manage/", views.space_manage, name="manage"),
    path("knowledge/articles/<int:article_id>/confirm/", views.article_confirm, name="confirm"),
    path("knowledge/articles/<int:article_id>/reviewed/", views.article_reviewed, name="reviewed"),
    path(
        "knowledge/articles/<int:article_id>/confirmations/",
        views.article_confirmations,
        name="confirmations",
    ),
]
