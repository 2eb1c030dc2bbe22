"""HttpxMetaGraph's user-token calls: code exchange, long-lived exchange, me, debug_token and
revoking the permissions."""

from __future__ import annotations

from adapters.outbound.meta import wire
from adapters.outbound.meta.calls import GraphCalls
from application.ports.meta_graph import MetaUser, TokenInfo, UserAccessToken


class OAuthCalls(GraphCalls):
    """The MetaGraph port's token calls."""

    async def exchange_code(self, code: str, *, redirect_uri: str, key: str) -> UserAccessToken:
        params = {
            "client_id": self._app_id,
            "redirect_uri": redirect_uri,
            "client_secret": self._app_secret,
            "code": code,
        }
        got = await self._call("GET", "oauth/access_token", key, params, wire.TOKEN)
        return UserAccessToken(got.access_token, got.token_type, got.expires_in)

    async def exchange_long_lived(self, short_lived_token: str, *, key: str) -> UserAccessToken:
        params = {
            "grant_type": "fb_exchange_token",
            "client_id": self._app_id,
            "client_secret": self._app_secret,
            "fb_exchange_token": short_lived_token,
        }
        got = await self._call("GET", "oauth/access_token", key, params, wire.TOKEN)
        return UserAccessToken(got.access_token, got.token_type, got.expires_in)

    async def me(self, user_token: str, *, key: str) -> MetaUser:
        params = {"fields": "id,name", "access_token": user_token}
        got = await self._call("GET", "me", key, params, wire.ME)
        return MetaUser(got.id, got.name)

    async def debug_token(self, input_token: str, *, key: str) -> TokenInfo:
        params = {
            "input_token": input_token,
            "access_token": f"{self._app_id}|{self._app_secret}",
        }
        d = (await self._call("GET", "debug_token", key, params, wire.DEBUG)).data
        return TokenInfo(
            is_valid=d.is_valid,
            app_id=d.app_id,
            user_id=d.user_id,
            type=d.type,
            expires_at=d.expires_at,
            data_access_expires_at=d.data_access_expires_at,
            scopes=tuple(d.scopes),
            error_code=d.error.code if d.error else None,
            error_subcode=d.error.subcode if d.error else None,
        )

    async def revoke_permissions(self, user_token: str, *, key: str) -> None:
        await self._success("DELETE", "me/permissions", key, {"access_token": user_token})
