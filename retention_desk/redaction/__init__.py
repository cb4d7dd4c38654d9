"""Redactions as data (issue 13, first part): the exemption catalogue and the redactions and
withholdings a production will apply. Headless; the `redact` and `exemption` commands and the
record viewer's Redactions tab call these modules:

- `catalogue`: `load_catalogue` (resources/exemptions.toml, every code cited, UNVERIFIED where
  nm-law.md could not confirm it), `archive_catalogue`/`catalogue_in` (with the agency's additions),
  `resolve` (unknown code -> error listing close codes), `add_exemption` (audited)
- `store`: `add_redaction`, `withhold`, `list_redactions`, `remove_redaction`,
  `stale_redactions`, `review_redaction`, `record_values`
- `model`: the dataclasses; `errors`: `RedactionError(ValueError)`, one sentence for the user

Redactions never change the archive's content. Audit rows carry ids, fields, codes and counts
only, never the covered text, a note or a name.
"""

from retention_desk.redaction.catalogue import (
    add_exemption,
    archive_catalogue,
    load_catalogue,
    resolve,
)
from retention_desk.redaction.errors import RedactionError
from retention_desk.redaction.model import (
    Catalogue,
    Exemption,
    IdentifierRule,
    RecordValues,
    RedactionInfo,
    StaleRedaction,
)
from retention_desk.redaction.store import (
    add_redaction,
    list_redactions,
    record_values,
    remove_redaction,
    review_redaction,
    stale_redactions,
    withhold,
)

__all__ = [
    "Catalogue",
    "Exemption",
    "IdentifierRule",
    "RecordValues",
    "RedactionError",
    "RedactionInfo",
    "StaleRedaction",
    "add_exemption",
    "add_redaction",
    "archive_catalogue",
    "list_redactions",
    "load_catalogue",
    "record_values",
    "remove_redaction",
    "resolve",
    "review_redaction",
    "stale_redactions",
    "withhold",
]
