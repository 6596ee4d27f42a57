"""routing_svc: decides who must solve each case and keeps the statutory clocks."""
