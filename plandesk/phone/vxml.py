"""Render a dialogue turn as a VoiceXML 2.1 document (the subset in schema/vxml-subset.rng).

Every document carries the call's token and step as variables and submits them by POST with the digits typed
(`namelist="call step digits"`); `<nomatch>`/`<noinput>` re-prompt twice, the third time the document submits the
event and the server ends the call politely. A hang-up is submitted too, so the call log knows how it ended.
"""

from __future__ import annotations

from django.urls import reverse
from lxml import etree

from plandesk.phone.dialogue import Grammar, Turn
from plandesk.phone.prompts import Prompt, fixed

NS = "http://www.w3.org/2001/vxml"
CONTENT_TYPE = "application/voicexml+xml; charset=utf-8"


def _el(parent, tag: str, text: str | None = None, **attrs) -> etree._Element:
    node = etree.SubElement(parent, f"{{{NS}}}{tag}", {k.rstrip("_"): str(v) for k, v in attrs.items()})
    if text is not None:
        node.text = text
    return node


def _root() -> etree._Element:
    root = etree.Element(f"{{{NS}}}vxml", nsmap={None: NS}, version="2.1")
    root.set("{http://www.w3.org/XML/1998/namespace}lang", "zh-CN")
    return root


def _literal(value: str) -> str:
    # ECMAScript string literal for expr="": tokens and step names are URL-safe, never quotes or backslashes.
    return "'" + value.replace("\\", "").replace("'", "") + "'"


def _say(parent, prompts: list[Prompt]) -> None:
    """One <prompt>: TTS text, or <audio src> with the text inside as the fallback."""
    if not prompts:
        return
    prompt = _el(parent, "prompt")
    for item in prompts:
        if item.audio:
            _el(prompt, "audio", item.text, src=item.audio)
        elif len(prompt):
            prompt[-1].tail = (prompt[-1].tail or "") + item.text
        else:
            prompt.text = (prompt.text or "") + item.text


def _grammar(parent, grammar: Grammar) -> None:
    node = _el(parent, "grammar", mode="dtmf", version="1.0", root="input", type="application/srgs+xml")
    rule = _el(node, "rule", id="input", scope="public")
    if grammar.choices:
        one_of = _el(rule, "one-of")
        for key in grammar.choices:
            _el(one_of, "item", key)
        return
    repeat = _el(rule, "item", repeat=f"{grammar.min_digits}-{grammar.max_digits}")
    one_of = _el(repeat, "one-of")
    for key in "0123456789":
        _el(one_of, "item", key)


def _submit(parent, namelist: str = "call step digits") -> None:
    _el(parent, "submit", next=reverse("phone:step"), method="post", namelist=namelist)


def _state(root, turn: Turn, step: str) -> None:
    _el(root, "var", name="call", expr=_literal(turn.call.token))
    _el(root, "var", name="step", expr=_literal(step))
    _el(root, "var", name="digits", expr="''")
    _el(root, "var", name="event", expr="''")
    hangup = _el(root, "catch", event="connection.disconnect.hangup")
    _el(hangup, "assign", name="event", expr="'hangup'")
    _submit(hangup, "call step event")


def render(turn: Turn) -> bytes:
    root = _root()
    if turn.action == "ask":
        _el(root, "property", name="inputmodes", value="dtmf")
        _el(root, "property", name="termchar", value="#")
        _el(root, "property", name="timeout", value="8s")
        _el(root, "property", name="interdigittimeout", value="5s")
        _state(root, turn, turn.step.name)
        form = _el(root, "form", id=turn.step.name.replace("_", "-"))
        if turn.prompts:
            _say(_el(form, "block"), turn.prompts)
        field = _el(form, "field", name="answer")
        _grammar(field, turn.step.grammar)
        _say(field, turn.ask_prompts)
        for event in ("nomatch", "noinput"):
            again = _el(field, event, count="1")
            _say(again, [fixed("invalid")])
            _el(again, "reprompt")
            last = _el(field, event, count="3")
            _el(last, "assign", name="event", expr=_literal(event))
            _submit(last, "call step event")
        filled = _el(field, "filled")
        _el(filled, "assign", name="digits", expr="answer")
        _submit(filled)
    elif turn.action == "transfer":
        _state(root, turn, "transfer")
        form = _el(root, "form", id="transfer")
        transfer = _el(form, "transfer", name="result", dest=turn.transfer_to, bridge="true", connecttimeout="30s")
        _say(transfer, turn.prompts)
        filled = _el(transfer, "filled")
        _el(filled, "assign", name="event", expr="'transfer'")
        _el(filled, "assign", name="digits", expr="result")
        _submit(filled, "call step digits event")
    else:
        block = _el(_el(root, "form", id="end"), "block")
        _say(block, turn.prompts)
        _el(block, "exit")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def entry() -> bytes:
    """GET /ivr/: read the caller's number from the session and start the call with it."""
    root = _root()
    _el(root, "var", name="caller", expr="''")
    form = _el(root, "form", id="start")
    catch = _el(form, "catch", event="error.semantic")  # a platform without session.connection.remote
    _el(catch, "submit", next=reverse("phone:start"), method="post", namelist="caller")
    block = _el(form, "block")
    _el(block, "assign", name="caller", expr="session.connection.remote.uri")
    _el(block, "submit", next=reverse("phone:start"), method="post", namelist="caller")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
