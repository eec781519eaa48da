"""Bearer-token authentication for the JSON API."""

from __future__ import annotations

from ninja.security import HttpBearer

from plandesk.accounts.models import ApiToken
from plandesk.audit.context import Actor, _current, client_ip


class BearerToken(HttpBearer):
    def authenticate(self, request, token: str):
        user = ApiToken.user_for(token)
        if user is None:
            return None
        request.user = user
        # API calls have no session user at the middleware; name the token's owner as the actor from here on.
        _current.set(Actor(user=user, name=user.username, ip=client_ip(request)))
        return user


bearer = BearerToken()
