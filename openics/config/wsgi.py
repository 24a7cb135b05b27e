"""WSGI entry point, used by `openics serve`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openics.config.settings")
application = get_wsgi_application()
