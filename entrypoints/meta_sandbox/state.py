"""The sandbox's in-memory world: the app, a test user, Pages, customers, tokens and what was sent.

Everything lives in one `SandboxState`; `reset()` puts it back to the seeded demo business.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, field
from typing import Any, Literal

DEFAULT_APP_ID = "100000000000001"
DEFAULT_APP_SECRET = "sandbox-app-secret"  # noqa: S105 - a stand-in, not a credential

SHORT_LIVED_SECONDS = 5400
LONG_LIVED_SECONDS = 5_184_000
DATA_ACCESS_SECONDS = 90 * 86400
DEFAULT_SCOPES = [
    "pages_show_list",
    "pages_manage_metadata",
    "pages_messaging",
    "instagram_basic",
    "instagram_manage_messages",
]


@dataclass
class IgAccount:
    id: str
    username: str


@dataclass
class Page:
    id: str
    name: str
    category: str
    ig: IgAccount | None = None
    tasks: list[str] = field(
        default_factory=lambda: ["ADVERTISE", "ANALYZE", "MESSAGING", "MANAGE"]
    )


@dataclass
class Customer:
    """A test customer: one PSID per Page, an IGSID on the Instagram account."""

    key: str
    name: str
    psids: dict[str, str]
    igsid: str | None = None


@dataclass
class TestUser:
    id: str
    name: str
    page_ids: list[str]


@dataclass
class Token:
    value: str
    kind: Literal["USER", "PAGE"]
    user_id: str
    scopes: list[str]
    page_ids: list[str]  # Pages granted in the dialog (user tokens); the Page (page tokens)
    issued_at: int
    expires_at: int  # 0 = never
    data_access_expires_at: int
    page_id: str | None = None
    dead_subcode: int | None = None  # set: the token is dead (190 with this subcode; 0 = none)


@dataclass
class AuthCode:
    code: str
    user_id: str
    redirect_uri: str
    scopes: list[str]
    page_ids: list[str]
    expires_at: int
    used: bool = False


@dataclass
class FailureRule:
    """An injected failure. `kind`: permission | throttle | server_error | latency."""

    id: str
    kind: str
    code: int = 0
    subcode: int | None = None
    status: int = 500
    latency_ms: int = 0
    path: str | None = None  # only requests whose path contains this
    remaining: int | None = None  # failures left (None = until cleared)
    after: int = 0  # throttle: calls that still succeed (with rising usage) before the limit
    seen: int = 0


@dataclass
class WebhookConfig:
    callback_url: str
    max_attempts: int = 5
    base_delay: float = 1.0
    factor: float = 2.0
    max_delay: float = 60.0
    unsubscribe_on_failure: bool = True  # Meta drops a Page whose messaging webhooks keep failing
    timeout: float = 5.0


@dataclass
class Delivery:
    id: str
    body: bytes
    signature: str
    status: str = "pending"  # pending | delivered | failed
    attempts: list[dict[str, Any]] = field(default_factory=list)


def new_id(prefix: str = "", n: int = 15) -> str:
    return prefix + "".join(secrets.choice("0123456789") for _ in range(n))


def fbtrace_id() -> str:
    return secrets.token_urlsafe(8)


@dataclass
class SandboxState:
    app_id: str = DEFAULT_APP_ID
    app_secret: str = DEFAULT_APP_SECRET
    app_name: str = "SalonHub Sandbox App"
    user: TestUser = field(default_factory=lambda: TestUser("", "", []))
    pages: dict[str, Page] = field(default_factory=dict)
    customers: list[Customer] = field(default_factory=list)
    tokens: dict[str, Token] = field(default_factory=dict)
    codes: dict[str, AuthCode] = field(default_factory=dict)
    installs: dict[str, dict[str, Any]] = field(default_factory=dict)
    subscriptions: dict[str, list[str]] = field(default_factory=dict)
    sent_messages: list[dict[str, Any]] = field(default_factory=list)
    messenger_profiles: dict[str, dict[str, Any]] = field(default_factory=dict)  # by Page id
    profile_log: list[dict[str, Any]] = field(default_factory=list)  # every profile POST
    subscription_log: list[dict[str, Any]] = field(default_factory=list)
    install_log: list[dict[str, Any]] = field(default_factory=list)
    revocations: list[dict[str, Any]] = field(default_factory=list)
    inbound: list[dict[str, Any]] = field(default_factory=list)
    last_interaction: dict[tuple[str, str], int] = field(default_factory=dict)
    # Pages whose market has no Utility Messages (the control API switches them per test).
    utility_blocked_pages: set[str] = field(default_factory=set)
    rules: list[FailureRule] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)
    clock_offset: int = 0
    webhook: WebhookConfig | None = None
    deliveries: dict[str, Delivery] = field(default_factory=dict)
    page_tokens: dict[str, str] = field(default_factory=dict)  # seeded Page tokens, by Page id

    @classmethod
    def seeded(
        cls, *, app_id: str = DEFAULT_APP_ID, app_secret: str = DEFAULT_APP_SECRET
    ) -> SandboxState:
        state = cls(app_id=app_id, app_secret=app_secret)
        state.reset()
        return state

    def now(self) -> int:
        return int(time.time()) + self.clock_offset

    def reset(self) -> None:
        """Forget everything and seed the demo business again (the app keeps its id and secret)."""
        keep = (self.app_id, self.app_secret, self.app_name)
        fresh = SandboxState()
        for name in fresh.__dataclass_fields__:
            setattr(self, name, getattr(fresh, name))
        self.app_id, self.app_secret, self.app_name = keep
        glow = Page("101000000000001", "Glow Studio Bandra", "Beauty Salon")
        glow.ig = IgAccount("17841400000000001", "glowstudio.bandra")
        annex = Page("101000000000002", "Glow Studio Annex", "Hair Salon")
        self.pages = {glow.id: glow, annex.id: annex}
        self.user = TestUser("900000000000001", "Priya Owner (test user)", [glow.id, annex.id])
        self.customers = [
            Customer(
                "riya",
                "Riya Sharma",
                {glow.id: "7100000000000001", annex.id: "7200000000000001"},
                igsid="1780000000000001",
            ),
            Customer(
                "arjun",
                "Arjun Mehta",
                {glow.id: "7100000000000002", annex.id: "7200000000000002"},
                igsid="1780000000000002",
            ),
        ]
        now = self.now()
        for page in self.pages.values():
            token = self.issue_token(
                "PAGE", DEFAULT_SCOPES, [page.id], expires_at=0, page_id=page.id, now=now
            )
            self.page_tokens[page.id] = token.value

    def issue_token(
        self,
        kind: Literal["USER", "PAGE"],
        scopes: list[str],
        page_ids: list[str],
        *,
        expires_at: int,
        page_id: str | None = None,
        now: int | None = None,
    ) -> Token:
        now = self.now() if now is None else now
        prefix = "EAAP" if kind == "PAGE" else "EAAU"
        token = Token(
            value=prefix + secrets.token_urlsafe(48),
            kind=kind,
            user_id=self.user.id,
            scopes=list(scopes),
            page_ids=list(page_ids),
            issued_at=now,
            expires_at=expires_at,
            data_access_expires_at=now + DATA_ACCESS_SECONDS,
            page_id=page_id,
        )
        self.tokens[token.value] = token
        return token

    def page_token_for(self, page_id: str, scopes: list[str]) -> Token:
        """The living Page token of a Page (a fresh one after the old one died)."""
        current = self.tokens.get(self.page_tokens.get(page_id, ""))
        if current is None or current.dead_subcode is not None:
            current = self.issue_token("PAGE", scopes, [page_id], expires_at=0, page_id=page_id)
            self.page_tokens[page_id] = current.value
        return current

    def recipient_ids(self, page_id: str) -> dict[str, Customer]:
        """Customers reachable from a Page: their PSID on it, their IGSID if it has Instagram."""
        page = self.pages[page_id]
        found: dict[str, Customer] = {}
        for c in self.customers:
            if page_id in c.psids:
                found[c.psids[page_id]] = c
            if page.ig is not None and c.igsid is not None:
                found[c.igsid] = c
        return found

    def find_customer(self, key: str) -> Customer | None:
        for c in self.customers:
            if key in (c.key, c.igsid, *c.psids.values()):
                return c
        return None
