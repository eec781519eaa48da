from __future__ import annotations

from datetime import datetime

from ninja import Router, Schema

from plandesk.accounts.models import ApiToken
from plandesk.accounts.services import AddressLimited, BadCredentials, LockedOut, check_credentials
from plandesk.audit.services import record
from plandesk.core.api_errors import ApiError

router = Router(tags=["认证 auth"])


class TokenRequest(Schema):
    username: str
    password: str


class TokenOut(Schema):
    token: str
    expires_at: datetime


class ErrorOut(Schema):
    error: str
    message: str


@router.post("/auth/token", response={200: TokenOut, 401: ErrorOut, 429: ErrorOut}, auth=None)
def issue_token(request, payload: TokenRequest):
    """Exchange a username and password for a bearer token. Five failures in a row lock the username; too many
    failures from one client address over all usernames refuse that address for a while (429 too_many_failures)."""
    try:
        user = check_credentials(request, payload.username, payload.password)
    except LockedOut:
        raise ApiError(429, "locked_out", "连续登录失败次数过多，账号已暂时锁定，请稍后再试") from None
    except AddressLimited:
        raise ApiError(429, "too_many_failures", "本网络地址登录失败次数过多，请稍后再试") from None
    except BadCredentials:
        raise ApiError(401, "bad_credentials", "用户名或密码错误") from None
    token, raw = ApiToken.issue(user)
    record("auth.token_issued", token, actor=user, summary=f"签发接口令牌：{user.username}")
    return {"token": raw, "expires_at": token.expires_at}


class MeOut(Schema):
    username: str
    name: str
    roles: list[str]


@router.get("/me", response=MeOut)
def me(request):
    """The caller: who the token belongs to and the roles they hold."""
    user = request.auth
    return {"username": user.username, "name": user.display_name, "roles": sorted(user.role_codes())}
