"""Request and response bodies (msgspec), a module per bounded context. Requests are frozen and
reject unknown fields; the options are spelled on each class because type checkers do not
inherit them."""
