"""The Graph API endpoints of META.md, in Meta's formats, over `SandboxState`.

The endpoints live in groups (graph_tokens, graph_pages, graph_subscriptions, graph_messages)
over the token checks of graph_auth; `Graph` puts them together."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from .graph_errors import BUC_TYPES, GraphError, Reply, throttle_error, unsupported
from .graph_messages import MessageEndpoints
from .graph_pages import PageEndpoints
from .graph_subscriptions import SubscriptionEndpoints
from .graph_tokens import TokenEndpoints

__all__ = ["BUC_TYPES", "VERSION", "Graph", "GraphError", "Reply", "throttle_error", "unsupported"]

VERSION = re.compile(r"^v\d{1,2}\.0$")


class Graph(PageEndpoints, TokenEndpoints, SubscriptionEndpoints, MessageEndpoints):
    """All of the sandbox's Graph endpoints; `/{version}/...` routing is in app.py."""

    def handle(
        self,
        method: str,
        segments: list[str],
        query: Mapping[str, str],
        body: Mapping[str, Any],
        base_url: str,
    ) -> Reply:
        routes: dict[tuple[str, str], Callable[[], Reply]] = {
            ("GET", "oauth/access_token"): lambda: self.access_token(query),
            ("GET", "me"): lambda: self.me(query),
            ("GET", "me/accounts"): lambda: self.accounts(query, base_url, segments),
            ("DELETE", "me/permissions"): lambda: self.revoke(query),
            ("GET", "debug_token"): lambda: self.debug_token(query),
            ("GET", "fbe_business/fbe_installs"): lambda: self.fbe_installs(query),
            ("DELETE", "fbe_business/fbe_installs"): lambda: self.fbe_uninstall(query),
        }
        key = (method, "/".join(segments))
        if key in routes:
            return routes[key]()
        if len(segments) == 1:
            if method != "GET":
                raise unsupported(method, segments[0])
            return self.node(segments[0], query)
        if len(segments) == 2 and segments[1] == "subscribed_apps":
            return self.subscribed_apps(method, segments[0], query, body)
        if len(segments) == 2 and segments[1] == "messenger_profile":
            return self.messenger_profile(method, segments[0], query, body)
        if len(segments) == 2 and segments[1] == "messages" and method == "POST":
            page_id = segments[0]
            if page_id == "me":  # `/me/messages` with a Page token
                page_id = self.token(query, kind="PAGE").page_id or ""
            for page in self.state.pages.values():  # `/{ig-user-id}/messages`
                if page.ig is not None and page.ig.id == page_id:
                    page_id = page.id
            return self.send_message(page_id, query, body)
        if segments and segments[0] in ("oauth", "me", "debug_token", "fbe_business"):
            raise GraphError(f"Unknown path components: /{'/'.join(segments[1:])}", 2500)
        raise unsupported(method, segments[0] if segments else "")
