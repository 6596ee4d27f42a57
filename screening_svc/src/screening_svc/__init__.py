"""screening_svc: finds conflicts in the neighbourhoods before they become petitions."""
