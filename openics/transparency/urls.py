from django.urls import path

from openics.transparency import views

app_name = "transparency"
urlpatterns = [
    path("", views.home, name="home"),
    path("regimes/", views.regime_list, name="regime-list"),
    path("regimes/<slug:regime_id>/", views.regime_detail, name="regime-detail"),
]
