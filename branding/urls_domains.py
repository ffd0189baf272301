from django.urls import path, re_path

from . import views_domains

app_name = "domains"

urlpatterns = [
    path("settings/domains/", views_domains.DomainsView.as_view(), name="settings"),
    re_path(
        r"^settings/domains/(?P<pk>[0-9]{1,18})/(?P<action>check|primary|remove)/$",
        views_domains.DomainActionView.as_view(),
        name="action",
    ),
    path("_domains/check", views_domains.tls_check, name="tls_check"),
]
