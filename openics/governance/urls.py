from django.urls import path

from openics.governance import views

app_name = "governance"
urlpatterns = [
    path("", views.boards, name="boards"),
    path("interests/", views.interests, name="interests"),
    path("interests.csv", views.interests_csv, name="interests-csv"),
    path("gifts.csv", views.gifts_csv, name="gifts-csv"),
    path("record/", views.record, name="record"),
    path("powers/", views.powers, name="powers"),
    path("meetings/<str:reference>/", views.meeting, name="meeting"),
    # Last: a board's key could otherwise hide the pages above.
    path("<str:slug>/", views.board, name="board"),
]
