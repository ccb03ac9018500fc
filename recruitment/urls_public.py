from django.urls import path

from recruitment import public_views

app_name = "recruitment_public"

urlpatterns = [
    path(
        "<slug:slug>/<uuid:entity_id>/",
        public_views.apply_signed_in,
        name="apply_signed_in",
    ),
]
