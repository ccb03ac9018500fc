"""URLs of the public site: the pledge, the wall, the job board, accounts and
the admin."""

from django.contrib import admin
from django.contrib.auth.models import Group
from django.urls import include, path

# Groups are per employer ("Managers", in each schema); the public site's own
# groups are unused, so its admin does not offer them.
admin.site.unregister(Group)

urlpatterns = [
    path("", include("pledges.urls")),
    path("jobs/", include("jobboard.urls")),
    path("apply/", include("recruitment.urls_public")),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("me/", include("accounts.urls")),
]
