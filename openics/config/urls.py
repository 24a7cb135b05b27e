"""Top-level URL map: the public portal and the read API."""

from django.urls import include, path

from openics.api.urls import api

urlpatterns = [
    path("api/", api.urls),
    path("organisations/", include("openics.organisations.urls")),
    path("money/", include("openics.ledger.urls")),
    path("money/", include("openics.allocation.urls")),
    path("arranging/", include("openics.arranging.urls")),
    path("boards/", include("openics.governance.urls")),
    path("", include("openics.transparency.urls")),
]
