"""Fuzzing what comes from outside besides chat input: knowledge-base files and the environment.

(Command text, options and button payloads are fuzzed through the real SDKs in
tests/platforms/slack/test_fuzz.py, tests/platforms/discord/test_properties.py and
tests/core/test_properties.py.)

A service file mutated in any way loads, or every problem is reported as ``path:line:column``;
what a loaded file answers carries no unescaped mention on any platform. Hostile YAML (alias
bombs, object-building tags, deep nesting) is reported in place, never expanded. Any
environment gives settings or a list of problems, never a crash.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
from datetime import UTC
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.cli.settings_report import secret_fields
from bot.config import ConfigError, Settings
from bot.content.loader import ContentError, load_knowledge
from bot.core.assistant import Assistant
from bot.core.catalogue import CATALOGUE
from bot.core.clock import FixedClock
from bot.platforms.console.render import render_text
from bot.platforms.discord import render as discord_render
from bot.platforms.slack import render as slack_render
from bot.platforms.slack.response_url import ResponseUrls
from bot.platforms.slack.signature import (
    CONTENT_TYPES,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    UnreadableError,
    header_problem,
    payload_text,
    signature_matches,
)
from tests.ops.test_deployment import setting_names
from tests.support import FIXTURE_CONTENT, FIXTURE_TODAY, instant

SOURCE = (FIXTURE_CONTENT / "services" / "chatterbox.yaml").read_text(encoding="utf-8")
LINES = SOURCE.splitlines()
LOCATED = re.compile(r".+\.yaml:(\d+):(\d+): \S")
SLACK_ALLOWED = re.compile(
    r"<(?:https?://|mailto:)[^<>|\s]*(?:\|[^<>]*)?>"
    r"|<!date\^\d+\^(?:\{date_short_pretty\}(?: \{time\})?|\{ago\})\|[^<>|]*>"
)
PING = re.compile(r"@(everyone|here|channel)\b|<@[!&]?\w+>|<#\d+>|<!\w+", re.IGNORECASE)
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

hostile = st.sampled_from(
    [
        "@everyone",
        "@here",
        "<!channel>",
        "<@U123>",
        "<@&42>",
        "[unclosed",
        "]",
        "{a: b}",
        "- x",
        ": :",
        "'",
        '"',
        "&",
        "\t",
        "!!python/object:os.system",
        "*anchor",
        "&anchor x",
        "2026-13-45",
        "https://evil.example/<x>",
        "\x00",
        "\u202e",
    ]
)
fragment = st.one_of(hostile, st.text(max_size=30))


@st.composite
def mutated_service(draw: st.DrawFn) -> str:
    """The fixture's service file with a few lines replaced, dropped, repeated or cut short."""
    lines = list(LINES)
    for _ in range(draw(st.integers(1, 4))):
        index = draw(st.integers(1, len(lines) - 1))
        kind = draw(st.sampled_from(["value", "drop", "repeat", "insert", "indent", "cut"]))
        line = lines[index]
        if kind == "value" and ":" in line:
            key = line.split(":", 1)[0]
            lines[index] = f"{key}: {draw(fragment)}"
        elif kind == "drop":
            del lines[index]
        elif kind == "repeat":
            lines.insert(index, line)
        elif kind == "insert":
            lines.insert(index, draw(fragment))
        elif kind == "indent":
            lines[index] = " " * draw(st.integers(1, 3)) + line
        else:
            lines[index] = line[: draw(st.integers(0, len(line)))]
        if not lines[1:]:
            break
    return "\n".join(lines) + "\n"


def load(text: str) -> tuple[Path, object]:
    """Load a copy of the fixture knowledge base with chatterbox.yaml replaced by ``text``."""
    directory = Path(tempfile.mkdtemp(prefix="optout-fuzz-"))
    try:
        shutil.copytree(FIXTURE_CONTENT, directory, dirs_exist_ok=True)
        (directory / "services" / "chatterbox.yaml").write_text(text, encoding="utf-8")
        try:
            return directory, load_knowledge(directory, FIXTURE_TODAY).knowledge
        except ContentError as error:
            return directory, error
    finally:
        shutil.rmtree(directory, ignore_errors=True)


@FUZZ
@given(mutated_service())
def test_any_mutated_service_file_loads_or_every_problem_is_located(text: str) -> None:
    directory, outcome = load(text)
    if isinstance(outcome, ContentError):
        assert outcome.problems
        line_count = text.count("\n") + 1
        for problem in outcome.problems:
            shown = str(problem)
            assert shown.startswith(str(directory)), shown
            match = LOCATED.match(shown)
            assert match, shown
            assert 1 <= int(match.group(1)) <= line_count and int(match.group(2)) >= 1, shown
        return
    assistant = Assistant(lambda: outcome, FixedClock(instant("2025-09-20T12:00:00Z")))  # type: ignore[arg-type,return-value]
    for spec in CATALOGUE:
        for service in (None, "chatterbox"):
            reply = assistant.run(spec.name, service)
            render_text(reply, UTC)
            for message in slack_render.render_reply(reply):
                shown = json.dumps(message.payload(), ensure_ascii=False)
                assert "<" not in SLACK_ALLOWED.sub("", shown.replace('\\"', '"')), shown
                assert not PING.search(SLACK_ALLOWED.sub("", shown)), shown
            for message in discord_render.render_reply(reply):
                shown = json.dumps([message.content, message.embeds], ensure_ascii=False)
                assert not PING.search(shown), shown


@FUZZ
@given(st.binary(max_size=600) | st.text(max_size=600).map(str.encode))
def test_any_bytes_as_a_service_file_are_reported_not_raised(raw: bytes) -> None:
    directory = Path(tempfile.mkdtemp(prefix="optout-fuzz-"))
    try:
        shutil.copytree(FIXTURE_CONTENT, directory, dirs_exist_ok=True)
        (directory / "services" / "chatterbox.yaml").write_bytes(raw)
        try:
            load_knowledge(directory, FIXTURE_TODAY)
        except ContentError as error:
            assert all(LOCATED.match(str(problem)) for problem in error.problems)
    finally:
        shutil.rmtree(directory, ignore_errors=True)


# Hostile YAML: anchors and aliases (bombs, self-reference, merge keys), tags that would build
# objects, deep nesting. Each is spliced into a real service file at a random line.
ANCHORED = st.builds(
    lambda name, items: f"&{name} [" + ", ".join(items) + "]",
    st.sampled_from(["a", "b", "lol"]),
    st.lists(st.sampled_from(["x", "*a", "*b", "*lol", "{k: *a}"]), min_size=1, max_size=9),
)
hostile_yaml = st.one_of(
    ANCHORED,
    st.sampled_from(
        [
            "*a",
            "&a [*a]",
            "{<<: *a, id: x}",
            "!!python/object/apply:os.system ['true']",
            "!!python/name:os.system",
            "!!binary aGVsbG8=",
            "!!set {a, b}",
            "!!omap [a: 1]",
            "? [a, b]\n: c",
        ]
    ),
    st.integers(1, 200).map(lambda depth: "[" * depth + "]" * depth),
    st.integers(1, 60).map(lambda depth: "{a: " * depth + "1" + "}" * depth),
)


@FUZZ
@given(st.lists(st.tuples(st.integers(0, len(LINES)), hostile_yaml), min_size=1, max_size=4))
def test_hostile_yaml_in_a_service_file_is_reported_not_expanded(
    insertions: list[tuple[int, str]],
) -> None:
    lines = list(LINES)
    for index, value in sorted(insertions, reverse=True):
        lines.insert(index, f"hostile_{index}: {value}")
    text = "\n".join(lines) + "\n"
    _, outcome = load(text)
    assert isinstance(outcome, ContentError), "a hostile key was accepted"
    line_count = text.count("\n") + 1
    for problem in outcome.problems:
        match = LOCATED.match(str(problem))
        assert match, str(problem)
        assert 1 <= int(match.group(1)) <= line_count, str(problem)


def test_an_alias_bomb_is_reported_at_each_line_without_expanding() -> None:
    from tests.content.test_hostile_files import ALIAS_BOMB

    _, outcome = load(SOURCE + ALIAS_BOMB)
    assert isinstance(outcome, ContentError)
    first = len(LINES) + 1
    shown = [str(problem).split("/")[-1] for problem in outcome.problems]
    assert [line for line in shown if line.startswith("chatterbox.yaml")] == [
        f"chatterbox.yaml:{line}:8: aliases are not allowed; write the value out in full"
        for line in range(first + 1, first + 9)
    ]


SETTINGS = sorted(setting_names())
BODY_PROBLEMS = ("charset", "not UTF-8", "not JSON or form data", "not an object")


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(SETTINGS),
        st.one_of(st.text(max_size=40), st.integers(-5, 70000).map(str), hostile),
        max_size=8,
    )
)
def test_any_environment_gives_settings_or_every_problem(environ: dict[str, str]) -> None:
    try:
        chosen = Settings.from_environ(environ)
    except ConfigError as error:
        assert error.problems
        assert all(problem.split(":", 1)[0] in SETTINGS for problem in error.problems)
    else:
        assert chosen.log_format in {"text", "json"}
        shown = repr(chosen)
        assert not any(f"{name}=" in shown for name in secret_fields())


def test_what_the_fuzzer_found_is_reported_with_its_place() -> None:
    # Both used to escape the loader as exceptions: a NUL character, and a date YAML cannot build.
    nul = SOURCE.replace("name: Chatterbox AI", "name: Chatter\x00box")
    _, outcome = load(nul)
    assert isinstance(outcome, ContentError)
    assert [str(p).split("/")[-1] for p in outcome.problems][:1] == [
        "chatterbox.yaml:3:14: YAML: character '\\x00' is not allowed"
    ]
    bad_date = SOURCE.replace("last_verified: 2026-11-01", "last_verified: 2026-13-45")
    _, outcome = load(bad_date)
    assert isinstance(outcome, ContentError)
    assert [str(p).split("/")[-1] for p in outcome.problems][:2] == [
        "chatterbox.yaml:9:1: last_verified: Input should be a valid date",
        "chatterbox.yaml:9:16: YAML: month must be in 1..12",
    ]


def test_unicode_digits_that_int_refuses_are_reported_not_raised() -> None:
    from bot.config import ConfigError

    try:
        Settings.from_environ({"DISCORD_APPLICATION_ID": "²", "SLACK_PORT": "³"})
    except ConfigError as error:
        assert any("DISCORD_APPLICATION_ID" in problem for problem in error.problems)
        assert any("SLACK_PORT" in problem for problem in error.problems)
    else:
        raise AssertionError("superscript digits were accepted")


@FUZZ
@given(
    headers=st.dictionaries(
        st.sampled_from([TIMESTAMP_HEADER, SIGNATURE_HEADER, "Content-Type"]),
        st.one_of(st.text(max_size=80), hostile, st.integers(-(2**70), 2**70).map(str)),
    ),
    body=st.one_of(st.binary(max_size=300), st.text(max_size=300).map(str.encode)),
    content_type=st.one_of(st.sampled_from(sorted(CONTENT_TYPES)), st.text(max_size=30)),
    charset=st.one_of(st.none(), st.text(max_size=12)),
)
def test_any_slack_request_headers_and_body_are_judged_never_raised(
    headers: dict[str, str], body: bytes, content_type: str, charset: str | None
) -> None:
    problem = header_problem(headers, 1_700_000_000)
    if problem is None:
        assert signature_matches(b"secret", headers, body) in (True, False)
    assert body_problem(body, content_type, charset) in (None, *BODY_PROBLEMS)


def body_problem(body: bytes, content_type: str, charset: str | None) -> str | None:
    """Why the payload is refused, or None once its text is the body's own, decoded."""
    try:
        text = payload_text(body, content_type, charset)
    except UnreadableError as refused:
        return str(refused)
    assert text == body.decode("utf-8")
    return None


# Pieces a Slack form is made of, and ones that break it: escapes of any byte (stray UTF-8
# continuation bytes, truncated sequences), literal non-ASCII text, separators, broken escapes.
FORM_PIECES = st.one_of(
    st.integers(0, 255).map("%{:02X}".format),
    st.integers(0, 255).map("%{:02x}".format),
    st.sampled_from(["&", "=", "+", "%", "%4", "command", "text", "payload", "é", "😀"]),
    st.text(max_size=4),
)


@FUZZ
@given(pieces=st.lists(FORM_PIECES, max_size=40))
def test_a_slash_command_form_is_judged_as_parsing_every_field_would_judge_it(
    pieces: list[str],
) -> None:
    # Not an interaction (no "payload"), not JSON (no leading brace): a slash command's form.
    text = "f=" + "".join(pieces).replace("payload", "p")
    try:
        parse_qsl(text, keep_blank_values=True, errors="strict")
        expected = None
    except UnicodeDecodeError:
        expected = "not UTF-8"
    assert body_problem(text.encode(), "application/x-www-form-urlencoded", None) == expected


@FUZZ
@given(
    url=st.one_of(
        st.text(max_size=120),
        st.builds(
            "{}://{}{}/{}".format,
            st.sampled_from(["https", "http", "HTTPS", "ftp", ""]),
            st.one_of(st.sampled_from(["hooks.slack.com", "127.0.0.1", "evil.example"]), hostile),
            st.sampled_from(["", ":443", ":9999", ":0", ":99999", "@evil.example", ".evil"]),
            st.text(max_size=20),
        ),
    )
)
def test_any_response_url_is_allowed_only_on_slacks_hosts(url: str) -> None:
    allowed = ResponseUrls("http://127.0.0.1:9999/api/").allows(url)
    if allowed:
        parts = urlsplit(url.strip())
        assert (parts.scheme.lower(), parts.hostname, parts.port) in {
            ("https", "hooks.slack.com", None),
            ("https", "hooks.slack.com", 443),
            ("http", "127.0.0.1", 9999),
        }
