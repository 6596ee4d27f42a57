"""Shared library of the petition platform (not a service): contracts, bus, outbox, inbox, HTTP."""
