from django.urls import path

from openics.organisations import views

app_name = "organisations"
urlpatterns = [
    path("", views.directory, name="directory"),
    path("search/", views.search, name="search"),
    path("coterminosity/", views.coterminosity, name="coterminosity"),
    path("id/<uuid:pk>/", views.organisation_by_id, name="organisation-by-id"),
    path("<slug:kind>/<str:code>/", views.organisation, name="organisation"),
]
