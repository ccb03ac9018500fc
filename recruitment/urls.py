from django.urls import path

from recruitment import views

app_name = "recruitment"

urlpatterns = [
    # Public: the employer's open adverts, applying, the applicant's page.
    path("jobs/", views.advert_list, name="adverts"),
    path("jobs/<uuid:entity_id>/", views.advert_detail, name="advert"),
    path("jobs/<uuid:entity_id>/apply/", views.advert_apply, name="apply"),
    path(
        "applications/<uuid:entity_id>/",
        views.application_status,
        name="application_status",
    ),
    path(
        "applications/<uuid:entity_id>/results.json",
        views.application_results,
        name="application_results",
    ),
    # Managers.
    path("adverts/", views.advert_manage_list, name="manage_list"),
    path("adverts/new/", views.advert_create, name="create"),
    path("adverts/<uuid:entity_id>/", views.advert_manage, name="advert_manage"),
    path("adverts/<uuid:entity_id>/edit/", views.advert_edit, name="edit"),
    path("adverts/<uuid:entity_id>/status/", views.advert_status, name="status"),
    path(
        "adverts/<uuid:entity_id>/accepted/<int:pk>/remove/",
        views.accepted_badge_remove,
        name="accepted_remove",
    ),
    path(
        "adverts/<uuid:entity_id>/applications/",
        views.application_list,
        name="applications",
    ),
    path(
        "adverts/<uuid:entity_id>/applications.csv",
        views.application_csv,
        name="applications_csv",
    ),
    path(
        "adverts/applications/<uuid:entity_id>/",
        views.application_detail,
        name="application_detail",
    ),
    path(
        "adverts/applications/<uuid:entity_id>/badges/<int:pk>/rerun/",
        views.presented_rerun,
        name="rerun",
    ),
    path(
        "adverts/applications/<uuid:entity_id>/badges/<int:pk>/file",
        views.presented_file,
        name="presented_file",
    ),
]
