"""One SQLAlchemy Core repository per port, each over the unit of work's connection."""

from .accounts import SqlaAccountRepository
from .analytics import SqlaBookingStats, SqlaFunnelRepository
from .audit_log import SqlaAuditLog
from .bookings import SqlaBookingRepository
from .catalog import SqlaCatalogRepository
from .contacts import SqlaContactBook
from .customers import SqlaCustomerRepository
from .idempotency import SqlaIdempotencyRepository
from .messages import SqlaMessageLog
from .meta import SqlaMetaRepository
from .meta_cleanups import SqlaMetaCleanupRepository
from .meta_deletions import SqlaMetaDeletionRepository
from .meta_login_states import SqlaMetaLoginStateRepository
from .meta_sync import SqlaMetaSyncRepository
from .otp import SqlaOtpRepository
from .owner_alerts import SqlaOwnerAlertRepository
from .salons import SqlaSalonRepository
from .schedule import SqlaScheduleRepository
from .webhooks import SqlaWebhookInbox

__all__ = [
    "SqlaAccountRepository",
    "SqlaAuditLog",
    "SqlaBookingRepository",
    "SqlaBookingStats",
    "SqlaCatalogRepository",
    "SqlaContactBook",
    "SqlaCustomerRepository",
    "SqlaFunnelRepository",
    "SqlaIdempotencyRepository",
    "SqlaMessageLog",
    "SqlaMetaCleanupRepository",
    "SqlaMetaDeletionRepository",
    "SqlaMetaLoginStateRepository",
    "SqlaMetaRepository",
    "SqlaMetaSyncRepository",
    "SqlaOtpRepository",
    "SqlaOwnerAlertRepository",
    "SqlaSalonRepository",
    "SqlaScheduleRepository",
    "SqlaWebhookInbox",
]
