"""Every problem with the archive settings as they would be saved, for the Settings dialog and
`retention-desk settings set` alike.

Three owners, one list: the form of each value is the archive layer's
(`ArchiveSettings.validate`), the fee cap is the request desk's rule (`ipra.fees`, from
resources/ipra.toml with its citation), and which policies exist is the oversight package's
(resources/policies). `settings set fee_per_page 5.00` was once accepted here while the dialog
refused it; both now ask this one function.
"""

from __future__ import annotations

from retention_desk.archive.settings import ArchiveSettings
from retention_desk.ipra import fees
from retention_desk.oversight.policies import setting_problems as policy_problems


def settings_problems(settings: ArchiveSettings) -> list[str]:
    """What is wrong with `settings`, each a sentence naming the value; empty when none."""
    problems = settings.validate() + fees.settings_problems(settings)
    return problems or policy_problems(settings.policies)
