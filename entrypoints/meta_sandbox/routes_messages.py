"""The Send API route: POST `/{page-id}/messages`, `/{ig-user-id}/messages` (the Page of that
Instagram account) and `/me/messages` (the Page of the Page token)."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, post

from .graph_call import GraphCall, answer, versioned
from .graph_errors import Reply
from .sandbox import Sandbox


@post([*versioned("/{page_id:str}/messages"), *versioned("/me/messages")])
async def send_message(request: Request[Any, Any, Any], sandbox: Sandbox) -> Response[bytes]:
    graph = sandbox.graph

    def send(call: GraphCall) -> Reply:
        page_id = call.segments[0]
        if page_id == "me":  # `/me/messages` with a Page token
            page_id = graph.token(call.query, kind="PAGE").page_id or ""
        for page in graph.state.pages.values():  # `/{ig-user-id}/messages`
            if page.ig is not None and page.ig.id == page_id:
                page_id = page.id
        return graph.send_message(page_id, call.query, call.body)

    return await answer(request, sandbox, 2, send)


MESSAGE_ROUTES = [send_message]
