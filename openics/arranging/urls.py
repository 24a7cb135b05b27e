from django.urls import path
from django.views.generic import RedirectView

from openics.arranging import views

app_name = "commissioning"
urlpatterns = [
    path("", RedirectView.as_view(pattern_name="commissioning:decisions"), name="index"),
    path("decisions/", views.decision_register, name="decisions"),
    path("decisions/<str:reference>/", views.decision, name="decision"),
    path("standstill/", views.standstill, name="standstill"),
    path("notices/<str:reference>/", views.notice, name="notice"),
]
