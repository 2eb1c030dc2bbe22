"""Graph's Page and node endpoints: me/accounts (paged) and `/{page-id|ig-id|user-id}`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from .fields import cursor, cursor_index, parse_fields, project
from .graph_auth import GraphAuth
from .graph_errors import GraphError, Reply, unsupported


class PageEndpoints(GraphAuth):
    """The Pages a user token reaches, and single objects by id."""

    def accounts(self, query: Mapping[str, str], base_url: str, segments: list[str]) -> Reply:
        token = self.token(query, kind="USER")
        if "pages_show_list" not in token.scopes:
            raise GraphError("(#200) Requires pages_show_list permission to manage the object", 200)
        fields = parse_fields(query.get("fields") or "id,name,access_token,category,tasks")
        try:
            limit = max(1, min(100, int(query.get("limit") or 1)))
        except ValueError as exc:
            raise GraphError("(#100) Param limit must be a number", 100) from exc
        start = cursor_index(query.get("after"))
        pages = [self.state.pages[p] for p in token.page_ids if p in self.state.pages]
        chunk = pages[start : start + limit]
        data = []
        for page in chunk:
            page_token = self.state.page_token_for(page.id, token.scopes)
            values = {
                "id": page.id,
                "name": page.name,
                "category": page.category,
                "access_token": page_token.value,
                "tasks": page.tasks,
                "instagram_business_account": (
                    {"id": page.ig.id, "username": page.ig.username} if page.ig else None
                ),
            }
            data.append(project(values, fields))
        body: dict[str, Any] = {"data": data}
        if chunk:
            paging: dict[str, Any] = {
                "cursors": {"before": cursor(start), "after": cursor(start + len(chunk) - 1)}
            }
            if start + len(chunk) < len(pages):
                nxt = {k: v for k, v in query.items() if k != "before"}
                nxt["after"] = cursor(start + len(chunk) - 1)
                nxt["limit"] = str(limit)
                paging["next"] = f"{base_url}/{'/'.join(segments)}?{urlencode(nxt)}"
            if start > 0:
                prev = {k: v for k, v in query.items() if k != "after"}
                prev["before"] = cursor(start)
                paging["previous"] = f"{base_url}/{'/'.join(segments)}?{urlencode(prev)}"
            body["paging"] = paging
        return Reply(200, body)

    def node(self, object_id: str, query: Mapping[str, str]) -> Reply:
        token = self.token(query)
        fields = parse_fields(query.get("fields") or "id,name")
        page = self.state.pages.get(object_id)
        if page is not None:
            allowed = token.page_ids if token.kind == "USER" else [token.page_id]
            if page.id not in allowed:
                raise unsupported("get", object_id)
            values: dict[str, Any] = {
                "id": page.id,
                "name": page.name,
                "category": page.category,
                "instagram_business_account": (
                    {"id": page.ig.id, "username": page.ig.username} if page.ig else None
                ),
            }
            if token.kind == "USER":
                values["access_token"] = self.state.page_token_for(page.id, token.scopes).value
            return Reply(200, project(values, fields))
        for page in self.state.pages.values():
            if page.ig is not None and page.ig.id == object_id:
                return Reply(200, project({"id": page.ig.id, "username": page.ig.username}, fields))
        if object_id == self.state.user.id and token.kind == "USER":
            return Reply(
                200, project({"id": self.state.user.id, "name": self.state.user.name}, fields)
            )
        raise unsupported("get", object_id)
