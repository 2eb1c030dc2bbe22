from __future__ import annotations

import base64
import os

from cryptography.exceptions import InvalidKey
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from application.ports.password_hasher import PasswordHasher


class ScryptPasswordHasher(PasswordHasher):
    """scrypt from `cryptography`; the cost parameters travel inside each stored hash."""

    def __init__(self, n: int = 2**14, r: int = 8, p: int = 1) -> None:
        self._n, self._r, self._p = n, r, p

    def hash(self, password: str) -> str:
        salt = os.urandom(16)
        key = Scrypt(salt=salt, length=32, n=self._n, r=self._r, p=self._p).derive(
            password.encode()
        )
        b64 = base64.urlsafe_b64encode
        return f"scrypt${self._n}${self._r}${self._p}${b64(salt).decode()}${b64(key).decode()}"

    def verify(self, password: str, password_hash: str) -> bool:
        try:
            scheme, n, r, p, salt, key = password_hash.split("$")
            if scheme != "scrypt":
                return False
            expected = base64.urlsafe_b64decode(key)
            kdf = Scrypt(
                salt=base64.urlsafe_b64decode(salt),
                length=len(expected),
                n=int(n),
                r=int(r),
                p=int(p),
            )
            kdf.verify(password.encode(), expected)
        except (ValueError, InvalidKey):
            return False
        return True
