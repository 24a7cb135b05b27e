from django.urls import path

from openics.allocation import views

app_name = "allocation"
urlpatterns = [
    path("", views.allocations, name="allocations"),
    path("fair-shares/", views.fair_shares, name="fair-shares"),
    path("fair-shares/<str:icb_code>/", views.fair_share_explained, name="fair-share"),
    path("<str:icb_code>/", views.icb_places, name="icb-places"),
]
