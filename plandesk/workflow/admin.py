"""Administrators upload process versions here; a bad file is refused with the list of its problems."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from plandesk.workflow import engine, services
from plandesk.workflow.models import ProcessDefinition, ProcessInstance, Task

MAX_BPMN_BYTES = 2 * 1024 * 1024


class UploadForm(forms.Form):
    file = forms.FileField(label=_("BPMN 文件"), help_text=_("BPMN 2.0 XML，泳道名须以 [岗位编码或职能] 结尾"))
    note = forms.CharField(label=_("说明"), max_length=200, required=False)


@admin.register(ProcessDefinition)
class ProcessDefinitionAdmin(admin.ModelAdmin):
    list_display = ("process_id", "version", "name", "is_active", "uploaded_by", "uploaded_at")
    list_filter = ("process_id", "is_active")
    readonly_fields = ("process_id", "version", "name", "bpmn_xml", "steps", "uploaded_by", "uploaded_at", "note",
                       "is_active")
    change_list_template = "workflow/admin/definition_changelist.html"

    def has_add_permission(self, request):
        return False  # new versions come through the upload page, checked

    def has_delete_permission(self, request, obj=None):
        return False  # running cases refer to their version

    def get_urls(self):
        own = [path("upload/", self.admin_site.admin_view(self.upload_view), name="workflow_processdefinition_upload")]
        return own + super().get_urls()

    def upload_view(self, request):
        if not (request.user.is_superuser or request.user.has_perm("workflow.change_processdefinition")):
            raise PermissionDenied
        problems: list[str] = []
        form = UploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            if upload.size > MAX_BPMN_BYTES:
                problems = ["文件过大（上限 2 MB）"]
            else:
                try:
                    definition = services.upload_definition(upload.read(), actor=request.user,
                                                            note=form.cleaned_data["note"])
                except engine.ProcessError as exc:
                    problems = exc.problems
                else:
                    messages.success(request, f"已保存流程 {definition.process_id} 第 {definition.version} 版，"
                                              "新案卷将使用此版")
                    return redirect(reverse("admin:workflow_processdefinition_changelist"))
        context = {**self.admin_site.each_context(request), "form": form, "problems": problems,
                   "opts": self.model._meta, "title": _("上传流程定义")}
        return TemplateResponse(request, "workflow/admin/upload.html", context)


@admin.register(ProcessInstance)
class ProcessInstanceAdmin(admin.ModelAdmin):
    list_display = ("case", "definition", "status", "started_at", "completed_at", "next_timer_at")
    list_filter = ("status",)
    readonly_fields = [f.name for f in ProcessInstance._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    list_display = ("case", "name", "post", "office", "assignee", "state", "due_at", "light")
    list_filter = ("state", "light", "office")
    search_fields = ("case__number", "name")
    readonly_fields = [f.name for f in Task._meta.fields]

    def has_add_permission(self, request):
        return False
