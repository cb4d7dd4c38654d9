"""Every action the code audits has words in the Audit page (a raw `ipra.request_step` is not
what a clerk should read)."""

from __future__ import annotations

import re
from pathlib import Path

from retention_desk.ui.audit.text import ACTION_LABELS

ROOT = Path(__file__).resolve().parents[2] / "retention_desk"


def test_every_audited_action_has_a_label() -> None:
    actions: set[str] = set()
    for path in ROOT.rglob("*.py"):
        actions |= set(re.findall(r'action="([a-z_]+\.[a-z_]+)"(?! \+)', path.read_text("utf-8")))
    assert len(actions) > 20  # the pattern still finds the audit calls
    assert sorted(a for a in actions if a not in ACTION_LABELS) == []
