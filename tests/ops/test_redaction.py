"""One redaction for check-config, logs and errors: URL passwords, secret parameters, tokens."""

from __future__ import annotations

import string

from hypothesis import given
from hypothesis import strategies as st

from bot.core.redaction import redact, without_user_ids

secret_text = st.text(string.ascii_letters + string.digits + "-_.~%!$*+", min_size=8, max_size=30)


@given(password=secret_text, parameter=st.sampled_from(["password", "sslpassword", "token"]))
def test_no_password_of_any_url_part_survives(password: str, parameter: str) -> None:
    for url in (
        f"postgresql://optout:{password}@db.example:5432/optout",
        f"postgresql://optout@db.example/optout?sslmode=require&{parameter}={password}",
        f"https://api:{password}@slack.example/api/",
    ):
        shown = redact(f"cannot reach {url} (refused)")
        assert password not in shown
        assert shown.startswith("cannot reach ") and shown.endswith(" (refused)")


def test_tokens_never_configured_are_still_hidden() -> None:
    shown = redact("invalid_auth for xoxb-1234-5678-abcdef and xapp-1-A0-99-ff")
    assert shown == "invalid_auth for [redacted] and [redacted]"


def test_what_is_not_secret_is_left_as_it_was() -> None:
    text = "GET https://slack.example/api/chat.postMessage?channel=C0123 took 12 ms (user ok)"
    assert redact(text) == text
    assert without_user_ids(text) == text
    assert without_user_ids("WARNING UNDEFINED guild 336642139381301249") == (
        "WARNING UNDEFINED guild 336642139381301249"
    )
