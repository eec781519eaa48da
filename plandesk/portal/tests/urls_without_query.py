"""A URL configuration with the portal but without the window's public query (before the window app exists)."""

from django.urls import include, path

from plandesk.accounts import urls as accounts_urls
from plandesk.handbook import urls as handbook_urls
from plandesk.portal import urls as portal_urls

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include((accounts_urls.urlpatterns, "accounts"))),
    path("handbook/", include((handbook_urls.urlpatterns, "handbook"))),
    path("", include((portal_urls.urlpatterns, "portal"))),
]
