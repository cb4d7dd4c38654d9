"""Meta's exports: Facebook "Download Your Information" and Instagram."""
