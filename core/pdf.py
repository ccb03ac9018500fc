"""PDF documents made with WeasyPrint, from the project's own files only.

A PDF template may load images, fonts and stylesheets from ``static/`` and
nothing else: no network, no other file. Text that users typed is escaped by
the template engine, and this fetcher is the second wall behind that.
"""

import logging
import threading
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

logger = logging.getLogger(__name__)


class StaticFilesOnlyFetcher(URLFetcher):
    """A WeasyPrint fetcher that refuses every URL outside ``static/``."""

    def __init__(self, roots):
        super().__init__(allowed_protocols={"file"}, allow_redirects=False)
        self.roots = [Path(root).resolve() for root in roots]

    def fetch(self, url, headers=None):
        if not self.is_allowed(url):
            logger.warning("pdf refused to load %s", url[:200])
            raise ValueError(f"PDFs may load only the portal's static files: {url}")
        return super().fetch(url, headers)

    def is_allowed(self, url):
        parts = urlsplit(url)
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            return False
        path = Path(unquote(parts.path)).resolve()
        return any(path.is_relative_to(root) for root in self.roots)


def static_roots():
    return [Path(directory) for directory in settings.STATICFILES_DIRS]


_fonts = threading.local()


def font_configuration():
    """Return this thread's WeasyPrint font configuration, made once.

    Making one loads the system's fonts, which costs a good part of rendering
    a one-page certificate; a worker sending a thousand of them keeps one.
    """
    if not hasattr(_fonts, "configuration"):
        _fonts.configuration = FontConfiguration()
    return _fonts.configuration


def render_pdf(template_name, context):
    """Render a template to PDF bytes, loading only the project's static files."""
    html = render_to_string(template_name, context)
    roots = static_roots()
    base_url = roots[0].resolve().as_uri() + "/"

    document = HTML(
        string=html, base_url=base_url, url_fetcher=StaticFilesOnlyFetcher(roots)
    )
    return document.write_pdf(font_config=font_configuration())
