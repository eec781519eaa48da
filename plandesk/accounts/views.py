from django.contrib import messages
from django.contrib.auth import login, logout
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_POST

from plandesk.accounts.forms import LoginForm
from plandesk.accounts.services import AddressLimited, BadCredentials, LockedOut, check_credentials
from plandesk.audit.services import record


@never_cache
@csrf_protect
def login_view(request):
    form = LoginForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            user = check_credentials(request, form.cleaned_data["username"], form.cleaned_data["password"])
        except LockedOut:
            form.add_error(None, _("连续登录失败次数过多，账号已暂时锁定，请稍后再试。"))
            status = 429
        except AddressLimited:
            form.add_error(None, _("本网络地址登录失败次数过多，请稍后再试。"))
            status = 429
        except BadCredentials:
            form.add_error(None, _("用户名或密码错误。"))
            status = 401
        else:
            login(request, user)
            target = request.POST.get("next") or request.GET.get("next")
            if not target or not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
                target = "core:home"
            return redirect(target)
    return render(request, "accounts/login.html", {"form": form, "next": request.GET.get("next", "")}, status=status)


@require_POST
def logout_view(request):
    if request.user.is_authenticated:
        record("auth.signed_out", request.user, summary=f"退出登录：{request.user.username}")
    logout(request)
    messages.info(request, _("您已安全退出。"))
    return redirect("accounts:login")
