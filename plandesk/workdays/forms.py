from django import forms
from django.utils.translation import gettext_lazy as _

from plandesk.workdays.api import MAX_API_DAYS, MAX_API_SPAN_DAYS


class AddDaysForm(forms.Form):
    start = forms.DateField(label=_("起算日期"), widget=forms.DateInput(attrs={"type": "date"}))
    days = forms.IntegerField(label=_("工作日数"), min_value=0, max_value=MAX_API_DAYS)


class BetweenForm(forms.Form):
    start = forms.DateField(label=_("开始日期（不含）"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("结束日期（含）"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and abs((end - start).days) > MAX_API_SPAN_DAYS:
            raise forms.ValidationError(_("起止日期相距过远。"))
        return cleaned
