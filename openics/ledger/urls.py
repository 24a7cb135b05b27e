from django.urls import path

from openics.ledger import views

app_name = "ledger"
urlpatterns = [
    path("follow/", views.follow_money, name="follow"),
    path("books/", views.books_index, name="books"),
    path("books/<str:code>/<str:year>/", views.balance, name="balance"),
    path(
        "books/<str:code>/<str:year>/spend-over-25k.csv",
        views.spend_over_25k,
        name="spend-over-25k",
    ),
]
