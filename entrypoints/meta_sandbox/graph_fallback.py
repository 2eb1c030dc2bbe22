"""What Meta answers for a Graph path that is no endpoint (or a method an endpoint lacks)."""

from __future__ import annotations

from collections.abc import Mapping

from .graph import Graph
from .graph_errors import GraphError, Reply, unsupported

NAMED_ROOTS = ("oauth", "me", "debug_token", "fbe_business")  # roots that are not object ids


def fallback(graph: Graph, method: str, segments: list[str], query: Mapping[str, str]) -> Reply:
    """A single segment is an object id (GET reads the node); under a named root the rest is
    unknown (2500); anything else is an unsupported request on its first segment (100/33)."""
    if len(segments) == 1:
        if method != "GET":
            raise unsupported(method, segments[0])
        return graph.node(segments[0], query)
    if segments and segments[0] in NAMED_ROOTS:
        raise GraphError(f"Unknown path components: /{'/'.join(segments[1:])}", 2500)
    raise unsupported(method, segments[0] if segments else "")
