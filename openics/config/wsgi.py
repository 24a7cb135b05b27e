"""WSGI entry point, used by `openics serve`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openics.config.settings")
application = get_wsgi_application()

from openics.config.deployment import refuse_to_serve_if_unsafe  # noqa: E402 (after setup)

refuse_to_serve_if_unsafe()
