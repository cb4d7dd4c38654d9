"""WordPress eXtended RSS (WXR)."""
