"""URLs of the public site: the pledge, the wall, accounts and the admin."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("pledges.urls")),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("me/", include("accounts.urls")),
]
