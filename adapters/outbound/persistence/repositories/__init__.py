"""One SQLAlchemy Core repository per port, each over the unit of work's connection."""

from .accounts import SqlaAccountRepository
from .audit_log import SqlaAuditLog
from .bookings import SqlaBookingRepository
from .catalog import SqlaCatalogRepository
from .customers import SqlaCustomerRepository
from .idempotency import SqlaIdempotencyRepository
from .meta import SqlaMetaRepository
from .otp import SqlaOtpRepository
from .salons import SqlaSalonRepository
from .schedule import SqlaScheduleRepository
from .webhooks import SqlaWebhookInbox

__all__ = [
    "SqlaAccountRepository",
    "SqlaAuditLog",
    "SqlaBookingRepository",
    "SqlaCatalogRepository",
    "SqlaCustomerRepository",
    "SqlaIdempotencyRepository",
    "SqlaMetaRepository",
    "SqlaOtpRepository",
    "SqlaSalonRepository",
    "SqlaScheduleRepository",
    "SqlaWebhookInbox",
]
