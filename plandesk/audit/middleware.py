from plandesk.core.context import Actor, _current, client_ip


class AuditContextMiddleware:
    """Makes the signed-in user and client address the actor of every audit event in the request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and not user.is_authenticated:
            user = None
        token = _current.set(Actor(user=user, name=user.username if user else "anonymous", ip=client_ip(request)))
        try:
            return self.get_response(request)
        finally:
            _current.reset(token)
