"""WSGI entry point for gunicorn (`vanthu serve`)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vanthu.config.settings")
application = get_wsgi_application()
