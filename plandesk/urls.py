from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from plandesk.api import api
from plandesk.core.registry import app_modules

admin.site.site_header = f"{settings.PLANDESK_BUREAU_NAME} · 系统管理"
admin.site.site_title = "plandesk 系统管理"
admin.site.index_title = "系统管理"

def _administrators_only(request) -> bool:
    user = request.user
    return user.is_active and user.is_staff and user.has_role("administrator")


admin.site.has_permission = _administrators_only

# A refusal by role shows who may do it and a way back (organization/forbidden.py), not a bare "403 Forbidden".
handler403 = "plandesk.organization.forbidden.forbidden"

urlpatterns = [
    # One sign-in page for everyone, so the lockout and the audit cover the admin too.
    path("admin/login/", RedirectView.as_view(pattern_name="accounts:login", query_string=True)),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("ogcapi/", include("plandesk.gis.ogcapi_urls")),  # OGC API – Features (gis), outside the app's prefix
]

# Each app mounts its pages under its own prefix (URL_PREFIX in its urls.py; "" for the shell and portal).
for label, module in app_modules("urls"):
    urlpatterns.append(path(getattr(module, "URL_PREFIX", f"{label}/"), include((module.urlpatterns, label))))
