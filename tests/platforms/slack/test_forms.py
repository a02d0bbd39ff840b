"""Reading a few fields of a slash command's form gives what parsing the whole form gives."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from hypothesis import given
from hypothesis import strategies as st

from bot.platforms.slack.forms import form_fields

WANTED = frozenset({"command", "text"})
# Pieces of forms as clients write them, and as they should not: escapes of any ASCII byte
# (non-ASCII escapes are refused before this runs), separators, plus signs, bare names.
PIECES = st.one_of(
    st.integers(0, 127).map("%{:02X}".format),
    st.integers(0, 127).map("%{:02x}".format),
    st.sampled_from(["&", "=", "+", "%", "%2", "command", "text", "comm%61nd", "te+xt", "é"]),
    st.text(max_size=4),
)


@given(st.lists(PIECES, max_size=40).map("".join))
def test_any_form_gives_the_fields_parse_qsl_would(text: str) -> None:
    parsed = dict(parse_qsl(text, keep_blank_values=True))
    assert form_fields(text, WANTED) == {k: v for k, v in parsed.items() if k in WANTED}


@given(st.dictionaries(st.sampled_from(["command", "text", "user_id", "x"]), st.text()))
def test_a_form_slack_would_send_reads_back_as_sent(fields: dict[str, str]) -> None:
    sent = {k: v for k, v in fields.items() if k in WANTED}
    assert form_fields(urlencode(fields), WANTED) == sent
