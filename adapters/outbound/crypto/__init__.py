"""The token vault: AES-256-GCM encryption of secrets at rest, and its key ring."""

from .aes_gcm_token_vault import AesGcmTokenVault
from .key_ring import key_id, parse_key_ring

__all__ = ["AesGcmTokenVault", "key_id", "parse_key_ring"]
