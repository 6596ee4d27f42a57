"""services.http.auth: HS256 tokens in development, RS256 with configured public keys or a JWKS URL."""

import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from services.http import auth
from services.http.auth import Principal, TokenVerifier, issue_token
from services.http.errors import Unauthorized
from services.settings import ServiceSettings

SETTINGS = ServiceSettings(environment="test")


def claims(**overrides: object) -> dict:
    now = datetime.now(UTC)
    base = {
        "sub": "u-1",
        "roles": ["handler"],
        "jurisdiction": "320599001",
        "iss": SETTINGS.jwt_issuer,
        "aud": SETTINGS.jwt_audience,
        "iat": now,
        "exp": now + timedelta(minutes=5),
    }
    return {**base, **overrides}


def rejected(verifier: TokenVerifier, token: str) -> Unauthorized:
    with pytest.raises(Unauthorized) as caught:
        verifier.verify(token)
    assert (caught.value.status, caught.value.code) == (401, "unauthorized")
    return caught.value


def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def public_pem(key: rsa.RSAPrivateKey) -> str:
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


@pytest.fixture(scope="module")
def signing_key() -> rsa.RSAPrivateKey:
    return rsa_key()


@pytest.fixture(scope="module")
def other_key() -> rsa.RSAPrivateKey:
    return rsa_key()


# -- HS256 (development and tests) ---------------------------------------------------------------------------


def test_issued_token_verifies_to_its_principal() -> None:
    token = issue_token(settings=SETTINGS, sub="alice", roles=["reception", "admin"], jurisdiction="320599")
    principal = TokenVerifier(SETTINGS).verify(token)
    assert principal == Principal(sub="alice", roles=frozenset({"reception", "admin"}), jurisdiction="320599")
    assert principal.has_any("admin", "leader") and not principal.has_any("leader")


def test_token_without_jurisdiction() -> None:
    token = issue_token(settings=SETTINGS, sub="p-9", roles=["petitioner"], jurisdiction=None)
    assert TokenVerifier(SETTINGS).verify(token) == Principal("p-9", frozenset({"petitioner"}), None)


def test_token_without_roles_claim_has_no_roles() -> None:
    token = jwt.encode({k: v for k, v in claims().items() if k != "roles"}, SETTINGS.jwt_secret, algorithm="HS256")
    assert TokenVerifier(SETTINGS).verify(token).roles == frozenset()


def counting_decodes(verifier: TokenVerifier, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []
    decode = verifier._decode

    def counted(token: str) -> dict:
        calls.append(token)
        return decode(token)

    monkeypatch.setattr(verifier, "_decode", counted)
    return calls


def test_a_verified_token_is_not_decoded_again_until_it_expires(monkeypatch: pytest.MonkeyPatch) -> None:
    verifier = TokenVerifier(SETTINGS)
    calls = counting_decodes(verifier, monkeypatch)
    token = issue_token(settings=SETTINGS, sub="alice", roles=["reception"], jurisdiction="320599")
    assert verifier.verify(token) == verifier.verify(token)
    assert len(calls) == 1
    past_expiry = issue_token(settings=SETTINGS, sub="a", roles=[], jurisdiction=None, ttl=timedelta(seconds=-20))
    verifier.verify(past_expiry)
    verifier.verify(past_expiry)  # expired (though within the leeway): never served from the cache
    assert len(calls) == 3


def test_the_cache_of_verified_tokens_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(auth, "_VERIFIED_CACHE_SIZE", 2)
    verifier = TokenVerifier(SETTINGS)
    calls = counting_decodes(verifier, monkeypatch)
    tokens = [issue_token(settings=SETTINGS, sub=f"u{i}", roles=[], jurisdiction=None) for i in range(3)]
    for token in tokens:
        verifier.verify(token)
    verifier.verify(tokens[0])  # the oldest was evicted
    assert calls == [*tokens, tokens[0]]


def test_expired_token() -> None:
    token = issue_token(settings=SETTINGS, sub="a", roles=[], jurisdiction=None, ttl=timedelta(seconds=-31))
    assert "Signature has expired" in rejected(TokenVerifier(SETTINGS), token).detail


def test_expiry_within_the_leeway_is_accepted() -> None:
    token = issue_token(settings=SETTINGS, sub="a", roles=[], jurisdiction=None, ttl=timedelta(seconds=-20))
    assert TokenVerifier(SETTINGS).verify(token).sub == "a"


def test_wrong_audience() -> None:
    token = issue_token(settings=SETTINGS.model_copy(update={"jwt_audience": "other"}), sub="a", roles=[],
                        jurisdiction=None)  # fmt: skip
    assert "Audience" in rejected(TokenVerifier(SETTINGS), token).detail


def test_wrong_issuer() -> None:
    token = issue_token(
        settings=SETTINGS.model_copy(update={"jwt_issuer": "evil-idp"}), sub="a", roles=[], jurisdiction=None
    )
    assert "issuer" in rejected(TokenVerifier(SETTINGS), token).detail


def test_bad_signature() -> None:
    token = issue_token(
        settings=SETTINGS.model_copy(update={"jwt_secret": "another-secret-another-secret-0000"}),
        sub="a",
        roles=[],
        jurisdiction=None,
    )
    assert "Signature verification failed" in rejected(TokenVerifier(SETTINGS), token).detail


@pytest.mark.parametrize("roles", ["admin", {"admin": True}, ["admin", 1]])
def test_roles_must_be_a_list_of_strings(roles: object) -> None:
    token = jwt.encode(claims(roles=roles), SETTINGS.jwt_secret, algorithm="HS256")
    assert rejected(TokenVerifier(SETTINGS), token).detail == "令牌中的 roles 必须是字符串数组"


@pytest.mark.parametrize("jurisdiction", [320599, ["320599"], {"code": "320599"}])
def test_jurisdiction_must_be_a_string(jurisdiction: object) -> None:
    token = jwt.encode(claims(jurisdiction=jurisdiction), SETTINGS.jwt_secret, algorithm="HS256")
    assert rejected(TokenVerifier(SETTINGS), token).detail == "令牌中的 jurisdiction 必须是字符串"


@pytest.mark.parametrize(
    "overrides", [{"sub": "a\x00b"}, {"jurisdiction": "\x00"}, {"roles": ["admin\x00"]}, {"sub": "\ud800"}]
)
def test_claims_with_text_no_database_can_store(overrides: dict) -> None:
    """The subject and jurisdiction end up in SQL (registered_by, scope filters): NUL would be a 500 on PostgreSQL."""
    token = jwt.encode(claims(**overrides), SETTINGS.jwt_secret, algorithm="HS256")
    assert "NUL" in rejected(TokenVerifier(SETTINGS), token).detail


def test_subject_longer_than_its_columns_is_refused() -> None:
    verifier = TokenVerifier(SETTINGS)
    assert verifier.verify(jwt.encode(claims(sub="s" * 128), SETTINGS.jwt_secret, algorithm="HS256")).sub == "s" * 128
    token = jwt.encode(claims(sub="s" * 129), SETTINGS.jwt_secret, algorithm="HS256")
    assert rejected(verifier, token).detail == "令牌中的 sub 不得超过 128 个字符"


@pytest.mark.parametrize("missing", ["exp", "sub", "iss", "aud"])
def test_required_claims(missing: str) -> None:
    token = jwt.encode({k: v for k, v in claims().items() if k != missing}, SETTINGS.jwt_secret, algorithm="HS256")
    assert f'"{missing}"' in rejected(TokenVerifier(SETTINGS), token).detail


def test_garbage_token() -> None:
    rejected(TokenVerifier(SETTINGS), "not.a.jwt")


def test_unsigned_token_is_refused() -> None:
    rejected(TokenVerifier(SETTINGS), jwt.encode(claims(), None, algorithm="none"))


# -- RS256 with configured public keys -----------------------------------------------------------------------


def test_rs256_with_a_configured_public_key(signing_key: rsa.RSAPrivateKey) -> None:
    settings = ServiceSettings(environment="test", jwt_public_keys=[public_pem(signing_key)])
    token = jwt.encode(claims(sub="idp-user"), signing_key, algorithm="RS256")
    principal = TokenVerifier(settings).verify(token)
    assert principal == Principal("idp-user", frozenset({"handler"}), "320599001")


def test_rs256_tries_every_configured_key(signing_key: rsa.RSAPrivateKey, other_key: rsa.RSAPrivateKey) -> None:
    settings = ServiceSettings(environment="test", jwt_public_keys=[public_pem(other_key), public_pem(signing_key)])
    token = jwt.encode(claims(), signing_key, algorithm="RS256")
    assert TokenVerifier(settings).verify(token).sub == "u-1"


def test_rs256_signed_by_an_unknown_key(signing_key: rsa.RSAPrivateKey, other_key: rsa.RSAPrivateKey) -> None:
    settings = ServiceSettings(environment="test", jwt_public_keys=[public_pem(signing_key)])
    token = jwt.encode(claims(), other_key, algorithm="RS256")
    assert "Signature verification failed" in rejected(TokenVerifier(settings), token).detail


def test_public_keys_refuse_hs256_even_with_the_dev_secret(signing_key: rsa.RSAPrivateKey) -> None:
    settings = ServiceSettings(environment="test", jwt_public_keys=[public_pem(signing_key)])
    rejected(TokenVerifier(settings), issue_token(settings=settings, sub="a", roles=[], jurisdiction=None))


def test_rs256_expired(signing_key: rsa.RSAPrivateKey) -> None:
    settings = ServiceSettings(environment="test", jwt_public_keys=[public_pem(signing_key)])
    token = jwt.encode(claims(exp=datetime.now(UTC) - timedelta(minutes=1)), signing_key, algorithm="RS256")
    assert "expired" in rejected(TokenVerifier(settings), token).detail


# -- RS256 with a JWKS URL ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def jwks_url(signing_key: rsa.RSAPrivateKey) -> Iterator[str]:
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(signing_key.public_key()))
    document = json.dumps({"keys": [{**jwk, "kid": "key-1", "use": "sig", "alg": "RS256"}]}).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            self.send_response(200 if self.path == "/jwks.json" else 404)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(document)))
            self.end_headers()
            self.wfile.write(document)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/jwks.json"
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def test_jwks_key_is_fetched_and_verifies(jwks_url: str, signing_key: rsa.RSAPrivateKey) -> None:
    settings = ServiceSettings(environment="test", jwks_url=jwks_url)
    token = jwt.encode(claims(sub="from-jwks"), signing_key, algorithm="RS256", headers={"kid": "key-1"})
    assert TokenVerifier(settings).verify(token) == Principal("from-jwks", frozenset({"handler"}), "320599001")


def test_jwks_unknown_kid(jwks_url: str, signing_key: rsa.RSAPrivateKey) -> None:
    settings = ServiceSettings(environment="test", jwks_url=jwks_url)
    token = jwt.encode(claims(), signing_key, algorithm="RS256", headers={"kid": "key-2"})
    assert 'Unable to find a signing key that matches: "key-2"' in rejected(TokenVerifier(settings), token).detail


def test_jwks_known_kid_but_wrong_key(jwks_url: str, other_key: rsa.RSAPrivateKey) -> None:
    settings = ServiceSettings(environment="test", jwks_url=jwks_url)
    token = jwt.encode(claims(), other_key, algorithm="RS256", headers={"kid": "key-1"})
    assert "Signature verification failed" in rejected(TokenVerifier(settings), token).detail


def test_jwks_refuses_hs256(jwks_url: str) -> None:
    settings = ServiceSettings(environment="test", jwks_url=jwks_url)
    token = jwt.encode(claims(), SETTINGS.jwt_secret, algorithm="HS256", headers={"kid": "key-1"})
    rejected(TokenVerifier(settings), token)
