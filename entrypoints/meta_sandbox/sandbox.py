"""One running sandbox: its state, the Graph endpoints over it and the webhook sender."""

from __future__ import annotations

from .graph import Graph
from .state import SandboxState
from .webhooks import WebhookSender, messaging_envelope


class Sandbox:
    """What the route handlers get as the `sandbox` dependency (and `app.state["sandbox"]`)."""

    def __init__(self, state: SandboxState) -> None:
        self.state = state
        self.graph = Graph(state)
        self.sender = WebhookSender(state)

    def echo(self, page_id: str) -> None:
        """Meta echoes what a Page sent (`message_echoes`), with our `metadata`."""
        s = self.state
        if s.webhook is None or not s.sent_messages or page_id not in s.subscriptions:
            return
        sent = s.sent_messages[-1]
        page = s.pages.get(page_id)
        is_ig = sent["platform"] == "instagram" and page is not None and page.ig is not None
        me = page.ig.id if is_ig and page and page.ig else page_id
        message = {"mid": sent["message_id"], "is_echo": True, "app_id": s.app_id}
        for key in ("text", "metadata", "attachment"):
            if key in sent["message"]:
                message[key] = sent["message"][key]
        event = {
            "sender": {"id": me},
            "recipient": {"id": sent["recipient_id"]},
            "timestamp": s.now() * 1000,
            "message": message,
        }
        obj = "instagram" if is_ig else "page"
        self.sender.start(self.sender.enqueue(messaging_envelope(obj, me, event, s.now() * 1000)))
