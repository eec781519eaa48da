from __future__ import annotations

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext_lazy as _

from plandesk.cases.models import Case
from plandesk.gis.geometry import GeometryError, parse_site
from plandesk.publicity.challenge import check_answer, new_challenge
from plandesk.publicity.files import ACCEPT
from plandesk.publicity.models import Kind, Opinion, OpinionGroup, Publicity, Subject, Venue


class OpinionForm(forms.Form):
    """The public's opinion form. The question's token hides its answer (publicity/challenge.py); `website` is a
    honeypot that people never see."""

    name = forms.CharField(label=_("姓名"), max_length=60)
    contact = forms.CharField(label=_("联系方式（电话或邮箱）"), max_length=100)
    content = forms.CharField(label=_("意见内容"), max_length=5000, widget=forms.Textarea(attrs={"rows": 6}))
    attachment = forms.FileField(label=_("附件（可选，PDF/PNG/JPG）"), required=False,
                                 widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}))
    answer = forms.CharField(label=_("验证题"), max_length=10, widget=forms.TextInput(attrs={"inputmode": "numeric",
                                                                                           "autocomplete": "off"}))
    token = forms.CharField(widget=forms.HiddenInput)
    website = forms.CharField(label=_("网址（请勿填写）"), required=False,
                              widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.nonce: str | None = None
        self.question = ""
        if not self.is_bound:
            self.renew_challenge()
        else:
            self.fields["answer"].label = _("验证题")

    def renew_challenge(self) -> None:
        """A fresh question: on first display, and after a failed submission (the entries stay, the answer goes)."""
        challenge = new_challenge()
        self.question = challenge.question
        self.fields["answer"].label = challenge.question
        self.fields["token"].initial = challenge.token
        # Validation made the bound fields (their labels copied then): the page shows the answer field's, which
        # still said "验证题" after a refused submission, so the question vanished (issue 22).
        self["answer"].label = challenge.question
        if self.is_bound:
            self.data = self.data.copy()
            self.data["token"] = challenge.token
            self.data["answer"] = ""

    def clean(self):
        cleaned = super().clean()
        if (self.data.get("website") or "").strip():
            raise ValidationError(_("提交未通过校验"), code="honeypot")
        try:
            self.nonce = check_answer(self.data.get("token", ""), self.data.get("answer", ""))
        except ValueError as exc:
            self.add_error("answer", str(exc))
        return cleaned


class TrackingForm(forms.Form):
    code = forms.CharField(label=_("查询编号"), max_length=20)


class PublicityForm(forms.ModelForm):
    case_number = forms.CharField(label=_("案件编号（建设项目方案公示时填写）"), max_length=20, required=False,
                                  help_text=_("关联案卷后，公示期间该案件暂停计时"))
    site_geojson = forms.CharField(label=_("位置范围（GeoJSON，经纬度）"), required=False,
                                   widget=forms.Textarea(attrs={"rows": 3}))
    venues = forms.MultipleChoiceField(label=_("公示地点（不选则按公示对象默认）"), choices=Venue.choices,
                                       required=False, widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Publicity
        fields = ["title", "subject", "subject_name", "kind", "description", "venues", "starts_on", "ends_on"]
        widgets = {"starts_on": forms.DateInput(attrs={"type": "date"}),
                   "ends_on": forms.DateInput(attrs={"type": "date"}),
                   "description": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subject"].choices = Subject.choices
        self.fields["kind"].choices = Kind.choices

    def clean_site_geojson(self):
        text = (self.cleaned_data.get("site_geojson") or "").strip()
        if not text:
            return None
        try:
            return parse_site(text)
        except GeometryError as exc:
            raise ValidationError(exc.message) from None

    def clean_case_number(self):
        number = (self.cleaned_data.get("case_number") or "").strip()
        if not number:
            return None
        case = Case.objects.filter(number=number).first()
        if case is None:
            raise ValidationError(_("没有这个案件编号"))
        if not case.is_open:
            raise ValidationError(_("该案件已办结或终止，不能再公示"))
        return case

    def clean(self):
        cleaned = super().clean()
        case = cleaned.get("case_number")
        if case is not None:
            self.instance.case = case
        if not cleaned.get("venues") and cleaned.get("subject"):
            cleaned["venues"] = Subject(cleaned["subject"]).default_venues()
            self.instance.venues = cleaned["venues"]
        return cleaned

    def _update_errors(self, errors):
        # The model also checks the notice date, which this form does not show: its errors belong to the whole form.
        if hasattr(errors, "error_dict"):
            remapped: dict[str, list] = {}
            for name, messages in errors.error_dict.items():
                remapped.setdefault(name if name in self.fields else NON_FIELD_ERRORS, []).extend(messages)
            errors = ValidationError(remapped)
        super()._update_errors(errors)

    def save(self, commit=True):
        publicity = super().save(commit=False)
        if self.cleaned_data.get("site_geojson") is not None:
            publicity.site = self.cleaned_data["site_geojson"]
        elif publicity.case_id and publicity.site is None:
            publicity.site = publicity.case.site
        if commit:
            publicity.save()
        return publicity


class NoticeForm(forms.Form):
    outlet = forms.CharField(label=_("公告媒体（报纸、电视台）"), max_length=200)
    notice_on = forms.DateField(label=_("公告日期"), widget=forms.DateInput(attrs={"type": "date"}))
    text = forms.CharField(label=_("公告内容"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class DocumentForm(forms.Form):
    title = forms.CharField(label=_("文件名称"), max_length=200, required=False)
    file = forms.FileField(label=_("文件（PDF/PNG/JPG）"), widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}))


class ModerationForm(forms.Form):
    decision = forms.ChoiceField(label=_("审核"), choices=[("accept", _("有效意见")), ("merge", _("重复意见，合并到")),
                                                            ("reject", _("不予采纳（恶意或无关）"))])
    duplicate_of = forms.CharField(label=_("合并到（查询编号）"), max_length=20, required=False)
    reason = forms.CharField(label=_("说明"), max_length=300, required=False)

    def __init__(self, *args, opinion: Opinion, **kwargs):
        super().__init__(*args, **kwargs)
        self.opinion = opinion

    def clean(self):
        cleaned = super().clean()
        decision = cleaned.get("decision")
        if decision == "merge":
            code = (cleaned.get("duplicate_of") or "").strip()
            target = Opinion.objects.filter(publicity=self.opinion.publicity, tracking_code=code).first()
            if target is None:
                self.add_error("duplicate_of", _("请填写同一公示中另一条意见的查询编号"))
            cleaned["target"] = target
        if decision == "reject" and not (cleaned.get("reason") or "").strip():
            self.add_error("reason", _("不予采纳须说明理由"))
        return cleaned


class GroupForm(forms.ModelForm):
    class Meta:
        model = OpinionGroup
        fields = ["title", "response"]
        widgets = {"response": forms.Textarea(attrs={"rows": 3})}
