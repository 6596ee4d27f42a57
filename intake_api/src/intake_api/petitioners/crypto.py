"""The keys of petitioner data and what they are used for: row-bound encryption, keyed look-up hashes, masking,
and the contact seal that only notify_svc can open (ADR 0007). Pure: no I/O."""

from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from uuid import UUID

from services import pii

ID_PURPOSE, PHONE_PURPOSE = "id_number", "phone"


@dataclass(frozen=True)
class PetitionerCrypto:
    cipher: pii.Cipher
    hash_key: str
    contact_key: str

    @classmethod
    def from_settings(cls, settings: Any) -> "PetitionerCrypto":
        """One per set of keys (immutable, so shared): no new AES context on every registration."""
        return _for_keys(settings.pii_key, settings.pii_hash_key, settings.contact_key)

    def id_hash(self, id_number: str) -> str:
        return pii.keyed_hash(pii.normalise_id_number(id_number), key=self.hash_key, purpose=ID_PURPOSE)

    def phone_hash(self, phone: str) -> str:
        return pii.keyed_hash(pii.normalise_phone(phone), key=self.hash_key, purpose=PHONE_PURPOSE)

    def id_columns(self, petitioner_id: UUID, id_number: str) -> dict[str, Any]:
        value = pii.normalise_id_number(id_number)
        return {
            "id_number_cipher": self.cipher.encrypt(value, bind=_bind(petitioner_id, "id_number")),
            "id_number_hash": self.id_hash(value),
            "id_number_masked": pii.mask_id_number(value),
        }

    def phone_columns(self, petitioner_id: UUID, phone: str) -> dict[str, Any]:
        value = pii.normalise_phone(phone)
        return {
            "phone_cipher": self.cipher.encrypt(value, bind=_bind(petitioner_id, "phone")),
            "phone_hash": self.phone_hash(value),
            "phone_masked": pii.mask_phone(value),
        }

    def email_cipher(self, petitioner_id: UUID, email: str | None) -> bytes | None:
        return None if email is None else self.cipher.encrypt(email, bind=_bind(petitioner_id, "email"))

    def decrypt_id_number(self, petitioner_id: UUID, blob: bytes) -> str:
        return self.cipher.decrypt(blob, bind=_bind(petitioner_id, "id_number"))

    def decrypt_phone(self, petitioner_id: UUID, blob: bytes) -> str:
        return self.cipher.decrypt(blob, bind=_bind(petitioner_id, "phone"))

    def decrypt_email(self, petitioner_id: UUID, blob: bytes | None) -> str | None:
        return None if blob is None else self.cipher.decrypt(blob, bind=_bind(petitioner_id, "email"))

    def seal_contact(self, petitioner_id: UUID, *, name: str, phone: str, email: str | None) -> str:
        """``contact_sealed`` of intake's events: bound to ``contact:<petitioner_ref>`` for notify_svc alone."""
        payload = {"name": name, "phone": phone, "email": email}
        return pii.seal(payload, key=self.contact_key, bind=f"contact:{petitioner_id}")


@lru_cache(maxsize=8)
def _for_keys(pii_key: str, hash_key: str, contact_key: str) -> PetitionerCrypto:
    return PetitionerCrypto(pii.Cipher(pii_key), hash_key, contact_key)


def _bind(petitioner_id: UUID, column: str) -> str:
    return f"petitioners:{petitioner_id}:{column}"
