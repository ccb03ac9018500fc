from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone

from jobboard.forms import BoardFilterForm
from jobboard.models import Listing, RecognisedBadge

PAGE_SIZE = 20


def board(request):
    """List every open advert of every pledged employer, from the index only."""
    form = BoardFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}

    listings = Listing.objects.current(timezone.localdate()).select_related("employer")
    if filters.get("q"):
        listings = listings.filter(title__icontains=filters["q"])
    if filters.get("badge"):
        listings = listings.filter(badge_names__contains=[filters["badge"]])
    if filters.get("skill"):
        listings = listings.filter(skills__contains=[filters["skill"].lower()])
    if filters.get("district"):
        listings = listings.filter(district=filters["district"])
    if filters.get("employer"):
        listings = listings.filter(employer__slug=filters["employer"])

    page = Paginator(listings, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "catalogue": list(RecognisedBadge.objects.values_list("name", flat=True)),
        "districts": form.fields["district"].choices,
    }
    return render(request, "jobboard/listing_list.html", context)
