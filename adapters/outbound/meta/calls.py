"""The shared base of HttpxMetaGraph's call groups: the transport and the two call shapes."""

from __future__ import annotations

from typing import Any, TypeVar
from urllib.parse import quote

import msgspec

from adapters.outbound.meta import wire
from adapters.outbound.meta.transport import GraphTransport, Params
from application.meta_errors import MetaUnavailable

T = TypeVar("T")


def _seg(value: str) -> str:
    """One path segment (a Page id), percent-encoded."""
    return quote(value, safe="")


class GraphCalls:
    """What every call group needs: the app's credentials and the transport (all set by
    HttpxMetaGraph.__init__)."""

    _app_id: str
    _app_secret: str
    _max_pages: int
    _transport: GraphTransport

    async def _call(
        self,
        method: str,
        path: str,
        key: str,
        params: Params,
        decoder: msgspec.json.Decoder[T],
        *,
        body: Any = None,
        idempotent: bool = True,
    ) -> T:
        return await self._transport.call(
            method, path, key, params, decoder, body=body, idempotent=idempotent
        )

    async def _success(self, method: str, path: str, key: str, params: Params) -> None:
        got = await self._call(method, path, key, params, wire.SUCCESS)
        if not got.success:
            raise MetaUnavailable(f"Meta answered success=false to {method} {path}")
