"""Graph's per-Page settings: subscribed_apps (webhooks), messenger_profile, FBE installs."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .fields import as_json
from .graph_auth import GraphAuth
from .graph_errors import GraphError, Reply, unsupported


class SubscriptionEndpoints(GraphAuth):
    """What the app sets up on a Page or business: webhook fields, menu, FBE installs."""

    def subscribed_apps(
        self, method: str, page_id: str, query: Mapping[str, str], body: Mapping[str, Any]
    ) -> Reply:
        page = self.page(page_id, method)
        self.page_token(query, page)
        s = self.state
        if method == "GET":
            data = []
            if page_id in s.subscriptions:
                data.append(
                    {
                        "category": "Business",
                        "link": "https://salonhub.example",
                        "name": s.app_name,
                        "id": s.app_id,
                        "subscribed_fields": s.subscriptions[page_id],
                    }
                )
            return Reply(200, {"data": data})
        if method == "POST":
            raw = str(query.get("subscribed_fields") or body.get("subscribed_fields") or "")
            fields = [f.strip() for f in raw.split(",") if f.strip()]
            if not fields:
                raise GraphError("(#100) The parameter subscribed_fields is required.", 100)
            s.subscriptions[page_id] = fields
            s.subscription_log.append(
                {
                    "action": "subscribe",
                    "page_id": page_id,
                    "subscribed_fields": fields,
                    "at": s.now(),
                }
            )
            return Reply(200, {"success": True})
        if method == "DELETE":
            s.subscriptions.pop(page_id, None)
            s.subscription_log.append({"action": "unsubscribe", "page_id": page_id, "at": s.now()})
            return Reply(200, {"success": True})
        raise unsupported(method, page_id)

    def messenger_profile(
        self, method: str, page_id: str, query: Mapping[str, str], body: Mapping[str, Any]
    ) -> Reply:
        """The Messenger Profile API: POST sets the fields given, GET reads them back."""
        page = self.page(page_id, method)
        self.page_token(query, page)
        s = self.state
        if method == "GET":
            profile = s.messenger_profiles.get(page_id)
            return Reply(200, {"data": [profile] if profile else []})
        if method != "POST":
            raise unsupported(method, page_id)
        profile = {k: as_json(v) for k, v in body.items() if k != "access_token"}
        if not profile:
            raise GraphError("(#100) You must specify at least one profile field.", 100)
        current = s.messenger_profiles.get(page_id, {})
        if "persistent_menu" in profile and "get_started" not in {**current, **profile}:
            raise GraphError(
                "(#100) You must set a Get Started button if you also wish to use persistent menu.",
                100,
                subcode=2018145,
            )
        s.messenger_profiles[page_id] = {**current, **profile}
        s.profile_log.append({"page_id": page_id, "profile": profile, "at": s.now()})
        return Reply(200, {"result": "success"})

    def fbe_installs(self, query: Mapping[str, str]) -> Reply:
        self.token(query)
        ext = query.get("fbe_external_business_id", "")
        if not ext:
            raise GraphError("(#100) The parameter fbe_external_business_id is required", 100)
        install = self.state.installs.get(ext)
        if install is None:
            return Reply(200, {"data": []})
        public = {k: v for k, v in install.items() if k not in ("setup", "business_config")}
        return Reply(200, {"data": [public]})

    def fbe_uninstall(self, query: Mapping[str, str]) -> Reply:
        self.token(query)
        ext = query.get("fbe_external_business_id", "")
        s = self.state
        if ext not in s.installs:
            raise GraphError("(#100) No FBE install found for this external business id", 100)
        s.installs.pop(ext)
        s.install_log.append({"action": "uninstall", "external_business_id": ext, "at": s.now()})
        return Reply(200, {"success": True})
