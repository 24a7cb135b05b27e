"""Top-level URL map: the read API, the staff workspace (and signing in) and the public portal."""

from django.urls import include, path

from openics.api.urls import api

urlpatterns = [
    path("api/", api.urls),
    path("", include("openics.workspace.urls")),
    path("", include("openics.portal.urls")),
]

handler403 = "openics.workspace.security.forbidden"
