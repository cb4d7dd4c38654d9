"""Productions: the records responsive to a request, redacted, as Bates-numbered PDF and
Excel files with a redaction log, a withheld log and a manifest. Headless; the `produce`
command and the Requests page call the same functions. See model.py for the contract that
keeps redacted text out of every renderer.
"""
