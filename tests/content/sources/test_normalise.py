"""Normalisation and label matching: what counts as the same text, label and URL."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.content.sources.compare import MAX_EXCERPT_LINES, excerpt
from bot.content.sources.labels import label_found
from bot.content.sources.normalise import clean_url, label_key, normalise_text

words = st.text(st.characters(categories=("L", "N")), min_size=1, max_size=12)
# Words whose capitals fold back to them: a page shows a label in capitals, not in another letter
# (Turkish dotless ı capitalises to I, which folds to a dotted i).
cased_words = words.filter(lambda word: word.upper().casefold() == word.casefold())
spacing = st.sampled_from([" ", "  ", "\t", "\u00a0", " \n "])


@given(st.lists(cased_words, min_size=1, max_size=6), st.lists(spacing, min_size=6, max_size=6))
def test_a_label_is_found_whatever_the_case_and_spacing(parts: list[str], gaps: list[str]) -> None:
    label = " ".join(parts)
    on_page = "".join(part + gap for part, gap in zip(parts, gaps, strict=False)).upper()
    assert label_found(label, label_key(f"Then open {on_page} and confirm."))


@given(st.lists(words, min_size=1, max_size=4), words)
def test_a_label_with_a_different_word_is_not_found(parts: list[str], other: str) -> None:
    label = " ".join([*parts, "Zqx" + other])
    assert not label_found(label, label_key(" ".join(parts) + " settings"))


def test_curly_and_straight_apostrophes_match() -> None:
    assert label_found("Don't use my data", label_key("Toggle Don’t use my data off"))


@given(st.text(max_size=200))
def test_normalising_is_idempotent(text: str) -> None:
    once = normalise_text(text)
    assert normalise_text(once) == once


@given(st.text(max_size=200))
def test_normalised_text_has_no_blank_lines_or_runs_of_spaces(text: str) -> None:
    for line in normalise_text(text).split("\n") if normalise_text(text) else []:
        assert line and line == line.strip() and "  " not in line


@given(
    st.sampled_from(["Updated", "Last updated:", "Last updated on", "updated", "Reviewed"]),
    st.sampled_from(
        [
            "3 days ago",
            "a month ago",
            "this week",
            "yesterday",
            "12 March 2026",
            "March 12, 2026",
            "2026-03-12",
            "12/03/2026",
            "Mar 2026",
        ]
    ),
)
def test_dates_of_last_update_do_not_count_as_a_change(lead: str, when: str) -> None:
    assert normalise_text(f"{lead} {when}. Turn it off.") == normalise_text(
        f"{lead} 1 January 2020. Turn it off."
    )


def test_other_dates_still_count() -> None:
    assert normalise_text("Effective 8 October 2025.") != normalise_text(
        "Effective 9 October 2025."
    )


@given(st.dictionaries(st.sampled_from(["utm_source", "utm_campaign", "fbclid", "gclid"]), words))
def test_tracking_parameters_do_not_change_where_a_page_lives(tracking: dict[str, str]) -> None:
    query = "&".join(f"{name}={value}" for name, value in tracking.items())
    assert clean_url(f"https://help.example.com/a?id=7&{query}#top") == clean_url(
        "https://help.example.com/a?id=7"
    )


def test_a_real_query_parameter_still_matters() -> None:
    assert clean_url("https://example.com/a?id=7") != clean_url("https://example.com/a?id=8")


@given(st.lists(words, min_size=1, max_size=60), st.data())
def test_an_excerpt_shows_every_removed_and_added_line_when_short(
    lines: list[str], data: st.DataObject
) -> None:
    index = data.draw(st.integers(0, len(lines) - 1))
    changed = [*lines[:index], lines[index] + " changed", *lines[index + 1 :]]
    shown = excerpt("\n".join(lines), "\n".join(changed))
    assert f"+ {changed[index]}" in shown
    assert len(shown) <= MAX_EXCERPT_LINES + 1
