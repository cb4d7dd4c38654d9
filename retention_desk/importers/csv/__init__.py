"""CSV: generic vendor exports and spreadsheets, and platform exports' CSV files."""
