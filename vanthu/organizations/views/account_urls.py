"""URLs of sign-in, account and dashboard."""

from django.urls import path

from vanthu.organizations.views import account, auth, dashboard

urlpatterns = [
    path("", dashboard.dashboard_view, name="dashboard"),
    path("co-quan-lam-viec/", dashboard.agency_switch_view, name="agency_switch"),
    path("nhat-ky/kiem-tra/", dashboard.journal_verify_view, name="journal_verify"),
    path("dang-nhap/", auth.login_view, name="login"),
    path("dang-nhap/xac-thuc/", auth.login_otp_view, name="login_otp"),
    path("dang-xuat/", auth.logout_view, name="logout"),
    path("tai-khoan/mat-khau/", account.password_change_view, name="account_password"),
    path("tai-khoan/xac-thuc-hai-buoc/", account.two_factor_view, name="account_two_factor"),
]
