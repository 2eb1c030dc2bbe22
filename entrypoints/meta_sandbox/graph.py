"""The Graph API endpoints of META.md, in Meta's formats, over `SandboxState`.

The endpoints live in groups (graph_tokens, graph_pages, graph_subscriptions, graph_messages)
over the token checks of graph_auth (tokens build on pages: `me` with a Page token is
the Page's node); `Graph` puts them together."""

from __future__ import annotations

import re

from .graph_messages import MessageEndpoints
from .graph_subscriptions import SubscriptionEndpoints
from .graph_tokens import TokenEndpoints

VERSION = re.compile(r"^v\d{1,2}\.0$")


class Graph(TokenEndpoints, SubscriptionEndpoints, MessageEndpoints):
    """All of the sandbox's Graph endpoints; the routes (routes_*) call them."""
