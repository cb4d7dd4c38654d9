"""YouTube from Google Takeout."""
