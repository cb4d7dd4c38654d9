"""The Archive and Overview pages and the archive operations (open, verify, backup)."""
