"""The Import page: inputs, preview, tables and the CSV mapping dialog."""
