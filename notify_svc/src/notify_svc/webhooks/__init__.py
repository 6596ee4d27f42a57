"""Outbound webhooks to departments and partner agencies: signing, address rules and the retry plan."""
