"""The reception hall, appointments, home visits and the quality of reception (ADR 0010)."""
