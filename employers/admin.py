import logging

from django.contrib import admin, messages
from django.utils import timezone

from employers.models import Domain, Employer
from jobboard import cache as board_cache

logger = logging.getLogger(__name__)


class DomainInline(admin.TabularInline):
    model = Domain
    extra = 0
    fields = ["domain", "is_primary"]


@admin.register(Employer)
class EmployerAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "address",
        "primary_domain",
        "owner",
        "district",
        "status",
        "pledge_status",
        "created",
    ]
    list_filter = ["status", "district", "sector", "size_band"]
    search_fields = ["name", "slug", "owner__email", "contact_email"]
    # The address and schema are fixed when the employer signs; the status
    # changes through the suspend and reinstate actions.
    readonly_fields = [
        "slug",
        "schema_name",
        "owner",
        "status",
        "created",
        "modified",
        "suspended_at",
    ]
    fields = [
        "name",
        "slug",
        "schema_name",
        "owner",
        ("sector", "size_band"),
        ("district", "postcode"),
        ("contact_name", "contact_email", "contact_phone"),
        "status",
        "suspended_at",
        "suspension_reason",
        ("created", "modified"),
    ]
    inlines = [DomainInline]
    actions = ["suspend", "reinstate"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .employers()
            .select_related("owner")
            .prefetch_related("domains", "pledges")
        )

    def has_add_permission(self, request):
        # Employers join by signing the pledge, which creates their schema.
        return False

    def has_delete_permission(self, request, obj=None):
        # Deleting drops the employer's schema and every record in it; the
        # programme suspends employers instead.
        return False

    @admin.display(description="address", ordering="slug")
    def address(self, employer):
        return employer.slug

    @admin.display(description="domain")
    def primary_domain(self, employer):
        return next((d.domain for d in employer.domains.all() if d.is_primary), "—")

    @admin.display(description="pledge")
    def pledge_status(self, employer):
        statuses = {pledge.status for pledge in employer.pledges.all()}
        return "signed" if "active" in statuses else "withdrawn" if statuses else "—"

    @admin.action(description="Suspend the selected employers")
    def suspend(self, request, queryset):
        count = queryset.filter(status=Employer.Status.ACTIVE).update(
            status=Employer.Status.SUSPENDED, suspended_at=timezone.now()
        )
        board_cache.board_changed()  # update() sends no signals
        logger.info("suspended %d employers by user=%s", count, request.user.pk)
        self.message_user(request, f"Suspended {count} employer(s).", messages.SUCCESS)

    @admin.action(description="Reinstate the selected employers")
    def reinstate(self, request, queryset):
        count = queryset.filter(status=Employer.Status.SUSPENDED).update(
            status=Employer.Status.ACTIVE, suspended_at=None
        )
        board_cache.board_changed()
        logger.info("reinstated %d employers by user=%s", count, request.user.pk)
        self.message_user(request, f"Reinstated {count} employer(s).", messages.SUCCESS)
