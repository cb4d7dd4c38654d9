"""Web archives: WARC/ARC, WACZ, and captured pages' text."""
