from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse, QueryDict
from django.template.loader import render_to_string
from django.utils import timezone

from jobboard import cache
from jobboard.forms import BoardFilterForm
from jobboard.models import Listing, RecognisedBadge

PAGE_SIZE = 20


def board(request):
    """List every open advert of every pledged employer, from the index only.

    Anonymous visitors are served from the board's cache (``jobboard.cache``).
    """
    return HttpResponse(cache.cached_page(request, lambda: render_board(request)))


def render_board(request):
    form = BoardFilterForm(request.GET or None)
    filters = {}
    if form.is_bound:
        # cleaned_data keeps the valid filters: one that is not valid is left
        # out, the page says so, and the others still apply.
        form.is_valid()
        filters = form.cleaned_data

    listings = Listing.objects.current(timezone.localdate()).select_related("employer")
    if filters.get("q"):
        listings = listings.filter(title__icontains=filters["q"])
    if filters.get("badge"):
        listings = listings.filter(badge_names__contains=[filters["badge"]])
    if filters.get("skill"):
        listings = listings.filter(skills__contains=[filters["skill"].lower()])
    if filters.get("district"):
        listings = listings.filter(employer__district=filters["district"])
    if filters.get("employer"):
        employer = filters["employer"]
        listings = listings.filter(
            Q(employer__slug=employer) | Q(employer__name__icontains=employer)
        )

    page = Paginator(listings, PAGE_SIZE).get_page(request.GET.get("page"))
    # The page's links keep the filters, and only them: the page is cached
    # for everyone who asks the same, whatever else their URL carried.
    query = QueryDict(mutable=True)
    for name in cache.FILTER_FIELDS:
        query.setlist(name, request.GET.getlist(name))
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "catalogue": list(RecognisedBadge.objects.values_list("name", flat=True)),
        "districts": form.fields["district"].choices,
    }
    return render_to_string("jobboard/listing_list.html", context, request)
