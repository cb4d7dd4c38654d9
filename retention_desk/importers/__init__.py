"""Importers: one module per source format, a registry that detects formats by content, and a
runner that imports each source file atomically. See base.py for the importer contract."""
