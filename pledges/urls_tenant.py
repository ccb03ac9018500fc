from django.urls import path

from pledges import views

app_name = "pledges"

urlpatterns = [
    path("edit/", views.edit, name="edit"),
    path("withdraw/", views.withdraw, name="withdraw"),
    path("renew/", views.renew, name="renew"),
    path("certificate.pdf", views.certificate, name="certificate"),
]
