import csv

from django.contrib import admin
from django.http import StreamingHttpResponse
from django.utils import timezone

from pledges.models import COMMITMENTS, Pledge, PledgeEvent

CSV_COLUMNS = [
    ("employer", lambda p: p.employer.name),
    ("address", lambda p: p.employer.site_url),
    ("district", lambda p: p.employer.get_district_display()),
    ("postcode", lambda p: p.employer.postcode),
    ("sector", lambda p: p.employer.get_sector_display()),
    ("size", lambda p: p.employer.get_size_band_display()),
    ("contact name", lambda p: p.employer.contact_name),
    ("contact email", lambda p: p.employer.contact_email),
    ("status", lambda p: p.get_status_display()),
    ("signed at", lambda p: p.signed_at.isoformat()),
    ("signed by", lambda p: p.signed_by.email),
    *[
        (field.replace("_", " "), lambda p, f=field: "yes" if getattr(p, f) else "no")
        for field in COMMITMENTS
    ],
    ("public statement", lambda p: p.public_statement),
    ("withdrawn at", lambda p: p.withdrawn_at.isoformat() if p.withdrawn_at else ""),
    ("withdrawal reason", lambda p: p.withdrawal_reason),
]


def csv_safe(value):
    """Keep spreadsheet programs from running a cell that looks like a formula."""
    text = str(value)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


class Echo:
    def write(self, value):
        return value


class PledgeEventInline(admin.TabularInline):
    model = PledgeEvent
    extra = 0
    can_delete = False
    fields = ["created_at", "kind", "actor", "changes"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Pledge)
class PledgeAdmin(admin.ModelAdmin):
    list_display = [
        "employer",
        "district",
        "status",
        "signed_at",
        *COMMITMENTS,
        "confirmation_sent_at",
    ]
    list_filter = [
        "status",
        ("signed_at", admin.DateFieldListFilter),
        *COMMITMENTS,
        "employer__district",
    ]
    search_fields = ["employer__name", "signed_by__email", "public_statement"]
    date_hierarchy = "signed_at"
    list_select_related = ["employer", "signed_by"]
    # A pledge is the employer's own word: the programme team reads it here,
    # and only the employer changes it, so that its history stays whole.
    readonly_fields = [
        "employer",
        "status",
        *COMMITMENTS,
        "public_statement",
        "signed_by",
        "signed_at",
        "updated_at",
        "withdrawn_at",
        "withdrawn_by",
        "withdrawal_reason",
        "confirmation_sent_at",
    ]
    inlines = [PledgeEventInline]
    actions = ["export_csv"]

    def has_add_permission(self, request):
        # Pledges are signed by employers on the public site.
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="district", ordering="employer__district")
    def district(self, pledge):
        return pledge.employer.get_district_display()

    @admin.action(description="Export the selected pledges as CSV")
    def export_csv(self, request, queryset):
        pledges = queryset.select_related("employer", "signed_by").order_by("signed_at")
        writer = csv.writer(Echo())
        rows = (
            [csv_safe(value(pledge)) for _, value in CSV_COLUMNS] for pledge in pledges
        )
        header = [writer.writerow([name for name, _ in CSV_COLUMNS])]
        response = StreamingHttpResponse(
            (*header, *(writer.writerow(row) for row in rows)),
            content_type="text/csv; charset=utf-8",
        )
        filename = f"pledges-{timezone.localdate():%Y-%m-%d}.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
