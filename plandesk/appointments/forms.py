from django import forms
from django.utils.translation import gettext_lazy as _

from plandesk.appointments.models import Appointment


class BookingForm(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=60)
    organization = forms.CharField(label=_("单位"), max_length=120, required=False)
    phone = forms.CharField(label=_("手机号码"), max_length=20, help_text=_("取消或改期时需要核对"))
    topic = forms.CharField(label=_("咨询事项"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}))
    case_number = forms.CharField(label=_("相关案件编号（可不填）"), max_length=40, required=False)


class StaffBookingForm(BookingForm):
    channel = forms.ChoiceField(
        label=_("预约方式"),
        choices=[(Appointment.Channel.WINDOW, _("窗口预约")), (Appointment.Channel.PHONE, _("电话预约"))],
    )


class FindForm(forms.Form):
    card_number = forms.CharField(label=_("预约卡号"), max_length=20)
    phone = forms.CharField(label=_("手机号码"), max_length=20)


class OutcomeForm(forms.Form):
    outcome = forms.CharField(label=_("接待记录"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)
    case_number = forms.CharField(label=_("关联案件编号"), max_length=40, required=False)
