"""HTTP conventions shared by every service (errors, auth, pagination, idempotency, health, docs)."""
