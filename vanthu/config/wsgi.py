"""WSGI entry point for gunicorn (`vanthu serve`)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vanthu.config.settings")
application = get_wsgi_application()

# Import every view now, while the process starts, not during its first request (about a
# second of imports that a partner's packet or a clerk's first click would otherwise wait for).
from django.urls import get_resolver  # noqa: E402

get_resolver().url_patterns  # noqa: B018
