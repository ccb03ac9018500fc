from django.urls import path

from pledges import views

app_name = "pledges"

urlpatterns = [
    path("", views.home, name="home"),
    path("wall/", views.wall, name="wall"),
    path("sign/", views.sign, name="sign"),
]
