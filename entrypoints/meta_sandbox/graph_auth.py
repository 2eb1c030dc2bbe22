"""Who is calling: the access-token checks every Graph endpoint starts with."""

from __future__ import annotations

from collections.abc import Mapping

from .graph_errors import GraphError, token_death, unsupported
from .state import Page, SandboxState, Token


class GraphAuth:
    """Token lookups over `SandboxState`; the endpoint groups build on it."""

    def __init__(self, state: SandboxState) -> None:
        self.state = state

    def token(self, query: Mapping[str, str], *, kind: str | None = None) -> Token:
        raw = query.get("access_token", "")
        if not raw:
            raise GraphError(
                "An active access token must be used to query information about the current user.",
                2500,
            )
        if raw == f"{self.state.app_id}|{self.state.app_secret}":
            raise GraphError("(#100) An app access token cannot be used here", 100)
        found = self.state.tokens.get(raw)
        if found is None:
            raise GraphError("Invalid OAuth access token - Cannot parse access token", 190)
        self.check_alive(found)
        if kind is not None and found.kind != kind:
            if kind == "PAGE":
                raise GraphError("(#190) This method must be called with a Page Access Token", 190)
            raise GraphError("(#100) This method must be called with a user access token", 100)
        return found

    def check_alive(self, token: Token) -> None:
        if token.dead_subcode is not None:
            raise token_death(self.state, token.dead_subcode)
        if token.expires_at and token.expires_at <= self.state.now():
            raise token_death(self.state, 463)

    def app_token(self, query: Mapping[str, str]) -> None:
        raw = query.get("access_token", "")
        if not raw:
            raise GraphError("An access token is required to request this resource.", 104)
        if raw != f"{self.state.app_id}|{self.state.app_secret}":
            raise GraphError("Invalid OAuth access token signature.", 190)

    def page(self, page_id: str, method: str) -> Page:
        page = self.state.pages.get(page_id)
        if page is None:
            raise unsupported(method, page_id)
        return page

    def page_token(self, query: Mapping[str, str], page: Page) -> Token:
        token = self.token(query)
        if token.kind == "USER":
            if page.id not in token.page_ids:
                raise unsupported("post", page.id)
            raise GraphError("(#190) This method must be called with a Page Access Token", 190)
        if token.page_id != page.id:
            raise GraphError("(#200) The Page access token is for another Page", 200)
        return token
