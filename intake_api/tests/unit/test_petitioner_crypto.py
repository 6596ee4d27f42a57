"""intake_api.petitioners.crypto: row-bound encryption, separate hash key, masks, and the contact seal."""

import uuid

import pytest

from intake_api.petitioners.crypto import PetitionerCrypto
from services import pii
from services.settings import DEV_CONTACT_KEY, DEV_PII_HASH_KEY, DEV_PII_KEY

ID_NUMBER, PHONE = "32050219800101123X", "13812345678"


@pytest.fixture
def crypto() -> PetitionerCrypto:
    return PetitionerCrypto(pii.Cipher(DEV_PII_KEY), DEV_PII_HASH_KEY, DEV_CONTACT_KEY)


def test_id_columns_hold_no_plain_value(crypto: PetitionerCrypto) -> None:
    row = uuid.uuid4()
    columns = crypto.id_columns(row, ID_NUMBER.lower())
    assert columns["id_number_masked"] == "320502********123X"
    assert ID_NUMBER.encode() not in columns["id_number_cipher"]
    assert columns["id_number_hash"] == crypto.id_hash(ID_NUMBER) != crypto.phone_hash(ID_NUMBER)
    assert crypto.decrypt_id_number(row, columns["id_number_cipher"]) == ID_NUMBER


def test_ciphertext_is_bound_to_its_row_and_column(crypto: PetitionerCrypto) -> None:
    row, other = uuid.uuid4(), uuid.uuid4()
    blob = crypto.phone_columns(row, PHONE)["phone_cipher"]
    assert crypto.decrypt_phone(row, blob) == PHONE
    with pytest.raises(pii.PIIError):
        crypto.decrypt_phone(other, blob)
    with pytest.raises(pii.PIIError):
        crypto.decrypt_id_number(row, blob)


def test_hashes_use_the_separate_key(crypto: PetitionerCrypto) -> None:
    other = PetitionerCrypto(pii.Cipher(DEV_PII_KEY), "another-hash-key-of-at-least-32-chars!", DEV_CONTACT_KEY)
    assert other.id_hash(ID_NUMBER) != crypto.id_hash(ID_NUMBER)
    assert crypto.phone_hash(" 138 1234 5678 ") == crypto.phone_hash(PHONE)


def test_phone_columns_masked(crypto: PetitionerCrypto) -> None:
    assert crypto.phone_columns(uuid.uuid4(), PHONE)["phone_masked"] == "138****5678"


def test_email_is_optional(crypto: PetitionerCrypto) -> None:
    row = uuid.uuid4()
    assert crypto.email_cipher(row, None) is None
    assert crypto.decrypt_email(row, crypto.email_cipher(row, "a@b.cn")) == "a@b.cn"


def test_contact_seal_opens_only_with_the_contact_key_and_ref(crypto: PetitionerCrypto) -> None:
    ref = uuid.uuid4()
    sealed = crypto.seal_contact(ref, name="张三", phone=PHONE, email=None)
    assert PHONE not in sealed and "张三" not in sealed
    assert pii.unseal(sealed, key=DEV_CONTACT_KEY, bind=f"contact:{ref}") == {
        "name": "张三",
        "phone": PHONE,
        "email": None,
    }
    with pytest.raises(pii.PIIError):
        pii.unseal(sealed, key=DEV_CONTACT_KEY, bind=f"contact:{uuid.uuid4()}")
    with pytest.raises(pii.PIIError):
        pii.unseal(sealed, key=DEV_PII_KEY, bind=f"contact:{ref}")
