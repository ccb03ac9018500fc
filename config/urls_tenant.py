"""URLs of an employer's own site, served in the employer's schema."""

from allauth.account import views as account_views
from django.urls import include, path, re_path

# Accounts are created on the public site only: an employer's site offers
# sign-in, sign-out, email confirmation (a member whose address is not yet
# verified is asked to confirm it when signing in) and password reset, never
# sign-up.
account_urls = [
    path("login/", account_views.login, name="account_login"),
    path("logout/", account_views.logout, name="account_logout"),
    path("inactive/", account_views.account_inactive, name="account_inactive"),
    path(
        "confirm-email/",
        account_views.email_verification_sent,
        name="account_email_verification_sent",
    ),
    re_path(
        r"^confirm-email/(?P<key>[-:\w]+)/$",
        account_views.confirm_email,
        name="account_confirm_email",
    ),
    path(
        "password/reset/",
        account_views.password_reset,
        name="account_reset_password",
    ),
    path(
        "password/reset/done/",
        account_views.password_reset_done,
        name="account_reset_password_done",
    ),
    path(
        "password/reset/key/<uidb36>-<key>/",
        account_views.password_reset_from_key,
        name="account_reset_password_from_key",
    ),
    path(
        "password/reset/key/done/",
        account_views.password_reset_from_key_done,
        name="account_reset_password_from_key_done",
    ),
]

urlpatterns = [
    path("", include("employers.urls")),
    path("pledge/", include("pledges.urls_tenant")),
    path("", include("badges.urls")),
    path("", include("recruitment.urls")),
    path("accounts/", include(account_urls)),
    path("", include("accounts.urls_tenant")),
]
