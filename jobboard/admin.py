from django.contrib import admin

from jobboard.models import Listing, RecognisedBadge


@admin.register(RecognisedBadge)
class RecognisedBadgeAdmin(admin.ModelAdmin):
    """The catalogue. Adverts in employers' schemas follow their entries, so
    an entry is corrected here, never deleted."""

    list_display = ["name", "issuer_name", "badge_class_url", "issuer_url"]
    search_fields = ["name", "issuer_name"]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Listing)
class ListingAdmin(admin.ModelAdmin):
    """The index is rebuilt from the adverts; the admin only reads it."""

    list_display = ["title", "employer", "closes_on"]
    list_filter = ["employer__district"]
    search_fields = ["title", "employer__name"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
