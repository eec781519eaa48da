"""Kept for the apps that still import the actor from here; the actor lives in plandesk.core.context (below audit)."""

from plandesk.core.context import Actor, _current, acting_as, client_ip, current_actor

__all__ = ["Actor", "_current", "acting_as", "client_ip", "current_actor"]
