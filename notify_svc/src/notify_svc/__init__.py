"""notify_svc: tells petitioners, staff and partner agencies what happened."""
