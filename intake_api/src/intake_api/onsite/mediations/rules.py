"""Pure decisions of a mediation: how the parties are sealed and shown, what the event says."""

import json
from uuid import UUID

from services import pii


def parties_binding(mediation_id: UUID) -> str:
    """The associated data of the parties' ciphertext: it decrypts only on its own row."""
    return f"mediations:{mediation_id}:parties"


def agreement_binding(mediation_id: UUID) -> str:
    return f"mediations:{mediation_id}:agreement"


def seal_parties(parties: list[dict[str, str]], *, cipher: pii.Cipher, mediation_id: UUID) -> bytes:
    plain = json.dumps(parties, ensure_ascii=False, separators=(",", ":"))
    return cipher.encrypt(plain, bind=parties_binding(mediation_id))


def open_parties(blob: bytes, *, cipher: pii.Cipher, mediation_id: UUID) -> list[dict[str, str]]:
    return json.loads(cipher.decrypt(blob, bind=parties_binding(mediation_id)))


def seal_agreement(agreement: str | None, *, cipher: pii.Cipher, mediation_id: UUID) -> bytes | None:
    """The agreement names people and what they owe each other: encrypted like the parties (None: no agreement)."""
    return None if agreement is None else cipher.encrypt(agreement, bind=agreement_binding(mediation_id))


def open_agreement(blob: bytes | None, *, cipher: pii.Cipher, mediation_id: UUID) -> str | None:
    return None if blob is None else cipher.decrypt(blob, bind=agreement_binding(mediation_id))


def masked_parties(parties: list[dict[str, str]]) -> list[dict[str, str]]:
    return [{"name": pii.mask_name(party["name"]), "role": party["role"]} for party in parties]


def resolves_petition(result: str) -> bool:
    """Only a successful mediation ends the matter; a failed one leaves the petition registered for routing."""
    return result == "success"
