"""Meta's JSON as msgspec Structs: only the fields we use; unknown fields are ignored (Meta adds
fields freely). Decoders are built once and reused; `strict=False` accepts numbers sent as
strings ("expires_in": "5183")."""

from __future__ import annotations

import msgspec


class ErrorBody(msgspec.Struct, frozen=True, kw_only=True):
    message: str | None = None
    type: str | None = None
    code: int | None = None
    error_subcode: int | None = None
    error_user_title: str | None = None
    error_user_msg: str | None = None
    fbtrace_id: str | None = None


class ErrorEnvelope(msgspec.Struct, frozen=True, kw_only=True):
    error: ErrorBody


class TokenResponse(msgspec.Struct, frozen=True, kw_only=True):
    access_token: str
    token_type: str = "bearer"  # noqa: S105 (a token kind, not a secret)
    expires_in: int | None = None


class MeResponse(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    name: str | None = None


class Account(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    name: str = ""
    access_token: str
    tasks: list[str] = []


class Cursors(msgspec.Struct, frozen=True, kw_only=True):
    after: str | None = None


class Paging(msgspec.Struct, frozen=True, kw_only=True):
    cursors: Cursors | None = None
    next: str | None = None


class AccountsPage(msgspec.Struct, frozen=True, kw_only=True):
    data: list[Account] = []
    paging: Paging | None = None


class IgAccount(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    username: str | None = None


class PageFields(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    name: str | None = None
    instagram_business_account: IgAccount | None = None


class DebugError(msgspec.Struct, frozen=True, kw_only=True):
    code: int | None = None
    subcode: int | None = None


class DebugData(msgspec.Struct, frozen=True, kw_only=True):
    is_valid: bool = False
    app_id: str | None = None
    user_id: str | None = None
    type: str | None = None
    expires_at: int | None = None
    data_access_expires_at: int | None = None
    scopes: list[str] = []
    error: DebugError | None = None


class DebugTokenResponse(msgspec.Struct, frozen=True, kw_only=True):
    data: DebugData


class Success(msgspec.Struct, frozen=True, kw_only=True):
    success: bool = False


class App(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    name: str | None = None
    subscribed_fields: list[str] = []


class SubscribedAppsResponse(msgspec.Struct, frozen=True, kw_only=True):
    data: list[App] = []


class Feature(msgspec.Struct, frozen=True, kw_only=True):
    feature_type: str | None = None


class Install(msgspec.Struct, frozen=True, kw_only=True):
    business_manager_id: str | None = None
    pages: list[str] = []
    instagram_profiles: list[str] = []
    installed_features: list[Feature] = []


class InstallsResponse(msgspec.Struct, frozen=True, kw_only=True):
    data: list[Install] = []


class SendResponse(msgspec.Struct, frozen=True, kw_only=True):
    recipient_id: str
    message_id: str


class ResultResponse(msgspec.Struct, frozen=True, kw_only=True):
    result: str | None = None  # "success" (the Messenger Profile API)


ERROR = msgspec.json.Decoder(ErrorEnvelope, strict=False)
TOKEN = msgspec.json.Decoder(TokenResponse, strict=False)
ME = msgspec.json.Decoder(MeResponse, strict=False)
ACCOUNTS = msgspec.json.Decoder(AccountsPage, strict=False)
PAGE = msgspec.json.Decoder(PageFields, strict=False)
DEBUG = msgspec.json.Decoder(DebugTokenResponse, strict=False)
SUCCESS = msgspec.json.Decoder(Success, strict=False)
SUBSCRIBED = msgspec.json.Decoder(SubscribedAppsResponse, strict=False)
INSTALLS = msgspec.json.Decoder(InstallsResponse, strict=False)
SEND = msgspec.json.Decoder(SendResponse, strict=False)
ENCODER = msgspec.json.Encoder()
RESULT = msgspec.json.Decoder(ResultResponse, strict=False)
