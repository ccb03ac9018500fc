"""The public site's URL conf plus one bare view, ``/bench/bare``."""

from django.http import JsonResponse
from django.urls import path

from config.urls_public import urlpatterns as public_urlpatterns


def bare(request):
    return JsonResponse({"ok": True, "schema": request.tenant.schema_name})


urlpatterns = [path("bench/bare", bare, name="bench_bare"), *public_urlpatterns]
