from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("employers/", views.my_employers, name="employers"),
    path("employers/<slug:slug>/go/", views.go_to_employer, name="go"),
]
