"""The destroy confirmation names open IPRA requests (their sets may not be complete yet)."""

from __future__ import annotations

from retention_desk.ui.disposal.dialogs import confirm_text


def test_confirmation_warns_about_open_requests() -> None:
    text = confirm_text(4, 120, (), open_requests=2)
    assert "2 IPRA requests still open" in text
    assert "IPRA" not in confirm_text(4, 120, ())
