"""Top-level URL map: the read API and the public portal."""

from django.urls import include, path

from openics.api.urls import api

urlpatterns = [
    path("api/", api.urls),
    path("", include("openics.portal.urls")),
]
