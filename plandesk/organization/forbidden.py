"""The page a person meets when a view refuses him (Django's handler403, plandesk/urls.py): in Chinese, saying who
may do this — read from the page's access declaration (core/access.py), with roles and posts by their names — and a
way back, instead of a bare "403 Forbidden". It lives here because posts are organization's words."""

from __future__ import annotations

from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from plandesk.accounts.models import Role
from plandesk.core.access import Rule, declarations, rule_for
from plandesk.organization.models import Post


def _rule(request) -> Rule | None:
    match = getattr(request, "resolver_match", None)
    if match is None or not match.url_name:
        return None
    key = f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name
    pages, _operations = declarations()
    return rule_for(key, pages)


def who_may(rule: Rule | None) -> list[str]:
    """The roles and posts that may use the page, by name; empty when the declaration says nothing narrower."""
    if rule is None or rule.public:
        return []
    if rule.signed_in:
        return [_("本局工作人员")]
    names = [str(Role(code).label) if code in Role.values else code for code in rule.roles]
    functions = dict(Post.Function.choices)
    names += [_("%(post)s岗位") % {"post": functions.get(code, code)} for code in rule.posts]
    return names


def _back(request) -> str:
    """The page the person came from when it is ours; empty otherwise (then only the workbench is offered)."""
    referer = request.headers.get("referer", "")
    if referer and url_has_allowed_host_and_scheme(referer, allowed_hosts={request.get_host()},
                                                   require_https=request.is_secure()):
        return referer
    return ""


def forbidden(request, exception=None):
    rule = _rule(request)
    # the view's own refusal names the reason in Chinese ("办公室督办人员才能查看来电记录"); a bare one says nothing
    reason = str(exception) if exception is not None and exception.args and str(exception) else ""
    context = {"who": who_may(rule), "reason": reason, "otp": bool(rule and rule.otp), "back": _back(request),
               "workbench": reverse("core:home") if request.user.is_authenticated else "/"}
    return render(request, "organization/forbidden.html", context, status=403)
