"""Who may use each page and API operation: declared beside each app in `plandesk/<app>/access.py`.

An app's access module holds `ACCESS = {"<namespace>:<url_name>": Rule(...)}` for its pages (an unnamed pattern is
keyed by its route, "/<route>"; a whole namespace by "<namespace>:*") and `API_ACCESS = {"<METHOD> <path>": Rule(...)}`
for its API operations (the path as the OpenAPI document spells it). The declarations are what the access-matrix
test (core/tests/test_access_matrix.py) checks every page and operation against; views keep enforcing them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

from plandesk.core.registry import app_modules


@dataclass(frozen=True)
class Rule:
    """public: anyone, signed in or not. signed_in: any signed-in person. Otherwise one of `roles`, or one holding
    a post with one of the `posts` functions (organization.Post.Function). `objects` says how the view narrows it
    further to the objects the person may touch (a 404 for the others); `otp`: a verified second factor too."""

    public: bool = False
    signed_in: bool = False
    roles: tuple[str, ...] = ()
    posts: tuple[str, ...] = ()
    objects: str = ""
    otp: bool = False
    note: str = ""

    def __post_init__(self):
        if not (self.public or self.signed_in or self.roles or self.posts):
            raise ValueError("a rule must say who may use it: public, signed_in, roles or posts")


PUBLIC = Rule(public=True)
SIGNED_IN = Rule(signed_in=True)


def roles(*codes: str, posts: tuple[str, ...] = (), objects: str = "", note: str = "") -> Rule:
    return Rule(roles=tuple(codes), posts=posts, objects=objects, note=note)


def _walk(patterns, prefix: str = "", namespace: str | None = None) -> Iterator[tuple[str, str | None, str | None]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace if pattern.namespace is None else (
                f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace)
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), namespace, pattern.name


# Django's own pages that need no declaration: the language switch and static files.
EXEMPT_PREFIXES = ("i18n/", "static/", "media/")
# The API's patterns that are pages rather than operations of the OpenAPI document.
API_PAGES = ("openapi-json", "openapi-view", "api-root")


def url_patterns() -> list[tuple[str, str]]:
    """(key, route) for every URL pattern: key "<namespace>:<name>"; "<namespace>:/<route>" or "/<route>" unnamed."""
    found = []
    for route, namespace, name in _walk(get_resolver().url_patterns):
        if route.startswith(EXEMPT_PREFIXES):
            continue
        if namespace == "api" and name not in API_PAGES:
            continue  # the API's operations are declared one by one in API_ACCESS
        if name:
            key = f"{namespace}:{name}" if namespace else name
        else:
            key = f"{namespace}:/{route}" if namespace else "/" + route
        found.append((key, route))
    return found


def served_api():
    """The NinjaAPI the URL conf serves, found through its OpenAPI view: `plandesk.api` sits above every app, so
    core reads it from the URL conf rather than importing it."""
    for pattern in get_resolver().url_patterns:
        for inner in getattr(pattern, "url_patterns", ()) if getattr(pattern, "namespace", None) == "api" else ():
            api = getattr(inner.callback, "keywords", {}).get("api")
            if api is not None:
                return api
    raise LookupError("the URL conf serves no API")


def api_operations(api=None) -> list[tuple[str, dict]]:
    """("<METHOD> <path>", operation) for every operation of the OpenAPI document of the API (the one served)."""
    schema = (api or served_api()).get_openapi_schema()
    return [(f"{method.upper()} {path}", operation)
            for path, item in schema["paths"].items() for method, operation in item.items()]


def declarations() -> tuple[dict[str, Rule], dict[str, Rule]]:
    pages: dict[str, Rule] = {}
    operations: dict[str, Rule] = {}
    for _label, module in app_modules("access"):
        pages.update(getattr(module, "ACCESS", {}))
        operations.update(getattr(module, "API_ACCESS", {}))
    return pages, operations


def rule_for(key: str, pages: dict[str, Rule]) -> Rule | None:
    if key in pages:
        return pages[key]
    namespace = key.split(":", 1)[0] if ":" in key and not key.startswith("/") else None
    return pages.get(f"{namespace}:*") if namespace else None


STAFF = ("intake_clerk", "output_clerk", "consultant", "handler", "division_head", "director", "office_supervisor",
         "gis_keeper", "administrator")

# The shell's own pages.
ACCESS = {
    "core:home": SIGNED_IN,
    "core:otp": roles("administrator"),
    # The Django admin: administrators with a TOTP-verified session only (see plandesk/core/admin_otp.py).
    "admin:*": Rule(roles=("administrator",), otp=True),
    "/admin/login/": PUBLIC,  # a redirect to the one sign-in page
    "api:openapi-json": PUBLIC,
    "api:openapi-view": PUBLIC,
    "api:api-root": PUBLIC,
}
