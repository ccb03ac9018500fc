from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("welcome/<str:token>/", views.handoff, name="handoff"),
]
