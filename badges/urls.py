from django.urls import path

from badges import views

app_name = "badges"

urlpatterns = [
    # Open Badges documents, public.
    path("ob/issuer", views.issuer, name="issuer"),
    path("ob/keys/<str:kid>", views.issuer_key, name="issuer_key"),
    path("ob/badges/<uuid:entity_id>", views.badge_class, name="badge_class"),
    path("ob/badges/<uuid:entity_id>/image", views.badge_image, name="badge_image"),
    path("ob/revocations", views.revocation_list, name="revocation_list"),
    path(
        "ob/credential-revocations",
        views.credential_revocation_list,
        name="credential_revocation_list",
    ),
    path("awards/<uuid:entity_id>", views.award, name="award"),
    path("awards/<uuid:entity_id>/badge.png", views.award_png, name="award_png"),
    path("awards/<uuid:entity_id>/badge.svg", views.award_svg, name="award_svg"),
    path(
        "awards/<uuid:entity_id>/credential.jwt",
        views.award_credential,
        name="award_credential",
    ),
    path(
        "awards/<uuid:entity_id>/credential.png",
        views.award_credential_png,
        name="award_credential_png",
    ),
    path(
        "awards/<uuid:entity_id>/certificate.pdf",
        views.award_certificate,
        name="award_certificate",
    ),
    # Members.
    path("badges/", views.badge_list, name="list"),
    path("badges/new/", views.badge_create, name="create"),
    path("badges/<uuid:entity_id>/", views.badge_detail, name="detail"),
    path("badges/<uuid:entity_id>/edit/", views.badge_edit, name="edit"),
    path("badges/<uuid:entity_id>/archive/", views.badge_archive, name="archive"),
    path("badges/<uuid:entity_id>/claim/", views.claim_create, name="claim"),
    path("badges/<uuid:entity_id>/award/", views.award_create, name="award_create"),
    path("badges/<uuid:entity_id>/award/csv/", views.award_bulk, name="award_bulk"),
    path("bulk-awards/<uuid:entity_id>/", views.bulk_status, name="bulk_status"),
    path("claims/", views.claim_list, name="claims"),
    path("claims/mine/", views.my_claims, name="my_claims"),
    path("claims/<int:pk>/", views.claim_detail, name="claim_detail"),
    path("claims/<int:pk>/evidence/", views.claim_evidence, name="claim_evidence"),
    path("awards/", views.award_list, name="awards"),
    path("awards/<uuid:entity_id>/revoke/", views.award_revoke, name="award_revoke"),
    path("people/", views.people, name="people"),
    path(
        "invitations/<str:token>/",
        views.accept_invitation,
        name="accept_invitation",
    ),
]
