from django.urls import path

from reunite.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("verify/", views.verify, name="verify"),
    path("enrol/", views.enrol, name="enrol"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
]
