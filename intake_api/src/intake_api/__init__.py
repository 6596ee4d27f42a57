"""intake_api: the reception front door of the petition bureau."""
