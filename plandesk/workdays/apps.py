from django.apps import AppConfig


class WorkdaysConfig(AppConfig):
    name = "plandesk.workdays"
    verbose_name = "工作日历"

    def ready(self) -> None:
        from django.contrib import admin

        from plandesk.workdays.admin import warn_administrators

        # Administrators see the missing-year warning on the admin's front page as well.
        site = admin.site
        original_index = site.index

        def index(request, extra_context=None):
            warn_administrators(request)
            return original_index(request, extra_context)

        site.index = index
