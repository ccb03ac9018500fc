"""The employer sites' URL conf plus one bare view, ``/bench/bare``.

The bare view touches nothing but what the middleware already did (the
tenant's Domain lookup, the session and user checks); it is the yardstick
the other endpoints are divided by.
"""

from django.http import JsonResponse
from django.urls import path

from config.urls_tenant import urlpatterns as tenant_urlpatterns


def bare(request):
    return JsonResponse({"ok": True, "schema": request.tenant.schema_name})


urlpatterns = [path("bench/bare", bare, name="bench_bare"), *tenant_urlpatterns]
