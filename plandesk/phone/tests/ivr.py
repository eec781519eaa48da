"""A small VoiceXML interpreter for the tests: it plays the platform's part over Django's test client.

It fetches a document, validates it against schema/vxml-subset.rng, speaks the prompts into a transcript, reads the
field's DTMF grammar and matches the caller's keys against it, counts nomatch/noinput and picks the handler the
way the Form Interpretation Algorithm does, and follows every <submit> with a POST of its namelist.
"""

from __future__ import annotations

from collections import deque
from pathlib import Path

from lxml import etree

NS = "http://www.w3.org/2001/vxml"
V = f"{{{NS}}}"
SCHEMA = etree.RelaxNG(etree.parse(str(Path(__file__).resolve().parent.parent / "schema" / "vxml-subset.rng")))
HANGUP = "<hangup>"
SILENCE = None


class SemanticError(Exception):
    pass


def parse(response) -> etree._Element:
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"].startswith("application/voicexml+xml")
    root = etree.fromstring(response.content)
    assert SCHEMA.validate(root), SCHEMA.error_log
    return root


def grammar_accepts(grammar: etree._Element, keys: str) -> bool:
    rule = grammar.find(f"{V}rule[@id='{grammar.get('root')}']")
    child = rule[0]
    if child.tag == f"{V}one-of":
        return keys in {item.text for item in child}
    low, high = (int(n) for n in child.get("repeat").split("-"))
    allowed = {item.text for item in child.find(f"{V}one-of")}
    return low <= len(keys) <= high and all(k in allowed for k in keys)


class Platform:
    def __init__(self, client, caller: str | None = "tel:+8613800138000", transfer_result: str = "near_end_disconnect"):
        self.client, self.caller, self.transfer_result = client, caller, transfer_result
        self.heard: list[str] = []
        self.documents: list[etree._Element] = []
        self.grammars: list[etree._Element] = []
        self.transfers: list[str] = []
        self.ended = False
        self.keys: deque = deque()

    # --- the caller's side ---

    def call(self, *keys) -> Platform:
        """Dial /ivr/ and press the keys in turn (a string of digits with its '#', SILENCE, or HANGUP)."""
        self.keys.extend(keys)
        self._run(parse(self.client.get("/ivr/")))
        return self

    @property
    def transcript(self) -> str:
        return "".join(self.heard)

    # --- the interpreter ---

    def _eval(self, expr: str, scope: dict):
        if expr.startswith("'") and expr.endswith("'"):
            return expr[1:-1]
        if expr == "session.connection.remote.uri":
            if self.caller is None:
                raise SemanticError(expr)
            return self.caller
        return scope[expr]

    def _say(self, prompt) -> None:
        if prompt is not None:
            self.heard.append("".join(prompt.itertext()))

    def _run(self, root) -> None:
        self.documents.append(root)
        scope = {}
        for var in root.findall(f"{V}var"):
            scope[var.get("name")] = self._eval(var.get("expr"), scope)
        catches = {c.get("event"): c for c in root.findall(f"{V}catch")}
        form = root.find(f"{V}form")
        catches.update({c.get("event"): c for c in form.findall(f"{V}catch")})
        try:
            for item in form:
                if item.tag == f"{V}catch":
                    continue
                if self._item(item, scope, catches):
                    return
        except SemanticError:
            self._execute(catches["error.semantic"], scope, catches)

    def _execute(self, node, scope: dict, catches: dict) -> bool:
        """Run executable content; True once control left the document (submit or exit)."""
        for child in node:
            tag = etree.QName(child).localname
            if tag == "prompt":
                self._say(child)
            elif tag == "assign":
                scope[child.get("name")] = self._eval(child.get("expr"), scope)
            elif tag == "submit":
                assert child.get("method") == "post"
                data = {name: scope[name] for name in child.get("namelist").split()}
                self._run(parse(self.client.post(child.get("next"), data)))
                return True
            elif tag == "exit":
                self.ended = True
                return True
        return False

    def _item(self, item, scope: dict, catches: dict) -> bool:
        tag = etree.QName(item).localname
        if tag == "block":
            return self._execute(item, scope, catches)
        if tag == "transfer":
            self._say(item.find(f"{V}prompt"))
            self.transfers.append(item.get("dest"))
            scope[item.get("name")] = self.transfer_result
            return self._execute(item.find(f"{V}filled"), scope, catches)
        assert tag == "field"
        grammar = item.find(f"{V}grammar")
        self.grammars.append(grammar)
        counts = {"nomatch": 0, "noinput": 0}
        while True:
            self._say(item.find(f"{V}prompt"))
            assert self.keys, f"the caller has no more keys to press; last heard: {self.heard[-3:]}"
            keys = self.keys.popleft()
            if keys == HANGUP:
                self.ended = True
                return self._execute(catches["connection.disconnect.hangup"], scope, catches)
            if keys is not SILENCE:
                keys = keys.removesuffix("#")  # termchar
            if keys is not SILENCE and grammar_accepts(grammar, keys):
                scope[item.get("name")] = keys
                return self._execute(item.find(f"{V}filled"), scope, catches)
            event = "noinput" if keys is SILENCE else "nomatch"
            counts[event] += 1
            handlers = [h for h in item.findall(f"{V}{event}") if int(h.get("count")) <= counts[event]]
            handler = max(handlers, key=lambda h: int(h.get("count")))
            if handler.find(f"{V}reprompt") is not None:
                self._say(handler.find(f"{V}prompt"))
                continue
            return self._execute(handler, scope, catches)
