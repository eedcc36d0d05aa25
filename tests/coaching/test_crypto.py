from __future__ import annotations

import pytest
from cryptography.fernet import Fernet

from tandem.coaching import crypto


def test_a_note_encrypted_under_an_old_key_still_opens_after_a_new_key_is_added(settings) -> None:
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.TANDEM_NOTES_KEYS = [old]
    token = crypto.encrypt("Said in confidence")
    settings.TANDEM_NOTES_KEYS = [new, old]
    rotated = crypto.reencrypt(token)
    settings.TANDEM_NOTES_KEYS = [new]
    assert crypto.decrypt(rotated) == "Said in confidence"


def test_a_note_whose_key_was_removed_is_reported_unreadable(settings) -> None:
    settings.TANDEM_NOTES_KEYS = [Fernet.generate_key().decode()]
    token = crypto.encrypt("Said in confidence")
    settings.TANDEM_NOTES_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(crypto.NoteUnreadable, match="no longer configured"):
        crypto.decrypt(token)
