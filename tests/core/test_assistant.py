from bot.core.assistant import FALLBACK_APOLOGY, Assistant
from bot.core.clock import FixedClock
from bot.core.library import KnowledgeBase
from bot.core.reply import Reply
from bot.core.richtext import Label, Link, Strong, UserText, When, plain
from tests.support import answer_line, assistant_at, instant

NOW = "2025-09-20T12:00:00+00:00"


def words(reply: Reply) -> str:
    """Everything a reply says, as plain text, for assertions about content."""
    parts = [reply.title, plain(reply.summary)]
    parts += [plain(notice) for notice in reply.notices]
    for section in reply.sections:
        parts.append(section.title or "")
        parts += [plain(paragraph) for paragraph in section.paragraphs]
        parts += [plain(item) for item in section.items]
    parts += [link.text for link in reply.sources]
    return "\n".join(parts)


def test_optout_answers_with_steps_sources_and_verified_date() -> None:
    reply = answer_line(assistant_at(NOW), "/optout chatterbox full")
    assert reply.title == "Chatterbox AI"
    assert reply.service_id == "chatterbox"
    assert reply.shareable
    assert reply.verified is not None and reply.verified.isoformat() == "2026-11-01"
    web = next(section for section in reply.sections if section.title == "On the web")
    assert web.numbered
    assert len(web.items) == 3
    assert Label("Data & privacy") in web.items[1]
    assert any(isinstance(span, Link) for paragraph in web.paragraphs for span in paragraph)
    titles = [section.title for section in reply.sections]
    for expected in (
        "Who this covers",
        "If you do nothing",
        "iPhone and iPad",
        "Check your current setting",
        "What opting out does not do",
        "How long data is kept",
        "Related controls",
        "Where sources disagree",
        "Dates",
    ):
        assert expected in titles
    assert reply.sources[0].url == "https://help.chatterbox.example.com/articles/42"


def test_facts_supported_only_by_news_say_who_reported_them() -> None:
    reply = answer_line(assistant_at(NOW), "/optout chatterbox full")
    assert "(reported by Daily Example)" in words(reply)
    default = next(section for section in reply.sections if section.title == "If you do nothing")
    assert "reported by" not in plain(default.paragraphs[0])


def test_service_without_opt_out_says_so() -> None:
    reply = answer_line(assistant_at(NOW), "/optout quietnote")
    assert "Nothing to do: There is nothing to switch off." in words(reply)
    assert reply.tone == "info"


def test_stale_entry_carries_a_warning() -> None:
    assistant = assistant_at("2026-11-28T00:00:00+00:00")
    reply = answer_line(assistant, "/optout oldsocial full")
    assert reply.tone == "warning"
    assert "last verified on 2025-05-01" in plain(reply.notices[0])
    card = answer_line(assistant, "/optout oldsocial")
    assert card.tone == "warning"
    assert [plain(notice) for notice in card.notices] == [
        "Last verified over 180 days ago: the settings may have changed."
    ]


def test_fresh_entry_has_no_warning() -> None:
    reply = answer_line(assistant_at("2026-11-28T00:00:00+00:00"), "/optout chatterbox full")
    assert reply.notices == ()


def test_optout_without_service_lists_services_grouped_by_category() -> None:
    reply = answer_line(assistant_at(NOW), "/optout")
    titles = [section.title for section in reply.sections]
    assert titles == [
        "AI assistants and chatbots",
        "Social networks",
        "Work and productivity tools",
    ]
    assert Strong("Chatterbox AI") in reply.sections[0].items[0]
    assert "3 services" in plain(reply.summary)


def test_lookup_by_alias_is_case_and_punctuation_insensitive() -> None:
    assistant = assistant_at(NOW)
    assert answer_line(assistant, "/optout CBX").service_id == "chatterbox"
    assert answer_line(assistant, "/optout Chatterbox-AI").service_id == "chatterbox"


def test_unknown_service_suggests_close_matches() -> None:
    reply = answer_line(assistant_at(NOW), "/optout chaterbox")
    assert reply.tone == "error"
    assert UserText("chaterbox") in reply.summary
    assert reply.sections[0].title == "Did you mean"
    assert "/optout chatterbox" in plain(reply.sections[0].items[0])


def test_unknown_service_without_close_match_points_to_the_list() -> None:
    reply = answer_line(assistant_at(NOW), "/deadline zzzzzzzz")
    assert reply.tone == "error"
    assert reply.sections == ()
    assert "/optout for the full list" in plain(reply.summary)


def test_extra_words_are_ignored_and_reported() -> None:
    reply = answer_line(assistant_at(NOW), "/optout chatterbox please now")
    assert reply.service_id == "chatterbox"
    assert UserText("please now") in reply.notices[-1]


def test_unknown_command_suggests_the_nearest() -> None:
    reply = answer_line(assistant_at(NOW), "/optuot chatterbox")
    assert reply.tone == "error"
    assert "/optout" in plain(reply.summary)
    assert UserText("/optuot") in reply.summary


def test_empty_input_explains_what_to_type() -> None:
    for text in ("", "   ", "/", "\x00\x01"):
        reply = answer_line(assistant_at(NOW), text)
        assert reply.tone == "error"
        assert "/help" in plain(reply.summary)


def test_command_without_slash_works_too() -> None:
    assert answer_line(assistant_at(NOW), "help").title.startswith("optout-bot")


def test_help_lists_every_command_with_examples() -> None:
    reply = answer_line(assistant_at(NOW), "/help")
    listed = plain(reply.sections[0].items[0]) + "".join(
        plain(item) for item in reply.sections[0].items
    )
    for command in ("/optout", "/deadline", "/changes", "/help"):
        assert command in listed
    assert "/optout claude" in listed


def test_huge_input_is_cut_and_echo_is_short() -> None:
    reply = answer_line(assistant_at(NOW), "/optout " + "x" * 10_000)
    assert reply.tone == "error"
    echoed = [span for span in reply.summary if isinstance(span, UserText)]
    assert echoed and len(echoed[0].text) <= 60


def test_changes_lists_newest_first_with_sources() -> None:
    reply = answer_line(assistant_at(NOW), "/changes")
    items = reply.sections[0].items
    dates = [next(span for span in item if isinstance(span, When)).instant for item in items]
    assert dates == sorted(dates, reverse=True)
    assert all(any(isinstance(span, Link) for span in item) for item in items)
    assert "QuietNote" in plain(items[-1])


def test_changes_for_one_service_lists_only_its_own() -> None:
    reply = answer_line(assistant_at(NOW), "/changes quietnote")
    assert reply.title == "Policy changes: QuietNote"
    assert len(reply.sections[0].items) == 1


def test_run_with_typed_options_matches_text_commands() -> None:
    assistant = assistant_at(NOW)
    assert assistant.run("optout", "chatterbox") == answer_line(assistant, "/optout chatterbox")
    assert assistant.run("OPTOUT", None).title == "Services I can explain"


def test_autocomplete_returns_ids_as_values() -> None:
    choices = assistant_at(NOW).autocomplete("chat", 25)
    assert choices[0].value == "chatterbox"
    assert choices[0].name == "Chatterbox AI"


def test_the_apology_comes_from_the_messages_file() -> None:
    assistant = assistant_at("2025-09-20T12:00:00Z")
    assert assistant.apology() == assistant.knowledge().messages.en.apology
    assert assistant.apology("fr") == assistant.knowledge().messages.en.apology


def test_the_apology_survives_a_knowledge_base_that_cannot_be_read() -> None:
    def unreadable() -> KnowledgeBase:
        raise RuntimeError("disk gone")

    assistant = Assistant(unreadable, FixedClock(instant("2025-09-20T12:00:00Z")))
    assert assistant.apology() == FALLBACK_APOLOGY
