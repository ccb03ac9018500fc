from django.urls import path

from jobboard import views

app_name = "jobboard"

urlpatterns = [
    path("", views.board, name="board"),
]
