import logging

from django.shortcuts import render

logger = logging.getLogger(__name__)


class SuspendedEmployerMiddleware:
    """Close a suspended employer's site: every page shows a notice instead.

    Sign-in pages included, so nobody can sign in while it is suspended.
    Static files are left alone so the notice keeps its styling.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        employer = getattr(request, "tenant", None)
        suspended = getattr(employer, "is_suspended", False)
        if suspended and not request.path.startswith("/static/"):
            logger.info("refused request to suspended site path=%s", request.path)
            return render(
                request, "employers/suspended.html", {"employer": employer}, status=403
            )
        return self.get_response(request)
