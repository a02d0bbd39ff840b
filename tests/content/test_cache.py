import logging
import pickle
import shutil
import stat
from pathlib import Path

import pytest

from bot.content.cache import cache_key, load_with_cache
from bot.content.codec import DecodeError, from_plain
from bot.content.loader import ContentError
from bot.core.knowledge import Deadline, Fact
from tests.support import BUNDLED_CONTENT, BUNDLED_TODAY, FIXTURE_CONTENT, FIXTURE_TODAY


@pytest.fixture
def content(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, target)
    return target


def test_second_load_comes_from_the_cache(content: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = load_with_cache(content, FIXTURE_TODAY, cache)
    cached = list(cache.glob("knowledge-*.json"))
    assert len(cached) == 1
    second = load_with_cache(content, FIXTURE_TODAY, cache)
    assert second.knowledge.version == first.knowledge.version
    assert second.knowledge.services == first.knowledge.services
    assert [str(w) for w in second.warnings] == [str(w) for w in first.warnings]
    assert second.knowledge.index.find("cbx") is not None


def test_an_edit_misses_the_cache_and_replaces_the_old_entry(content: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    load_with_cache(content, FIXTURE_TODAY, cache)
    path = content / "services" / "quietnote.yaml"
    path.write_text(path.read_text().replace("name: QuietNote", "name: QuietNote 2"))
    result = load_with_cache(content, FIXTURE_TODAY, cache)
    assert result.knowledge.index.find("quietnote").name == "QuietNote 2"
    assert len(list(cache.glob("knowledge-*.json"))) == 1


def test_the_date_is_part_of_the_key(content: Path) -> None:
    from datetime import timedelta

    assert cache_key(content, FIXTURE_TODAY) != cache_key(content, FIXTURE_TODAY + timedelta(1))


def cached_file(cache: Path) -> Path:
    (found,) = cache.glob("knowledge-*.json")
    return found


def test_a_corrupt_cache_is_ignored_and_rebuilt(content: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    load_with_cache(content, FIXTURE_TODAY, cache)
    cached_file(cache).write_bytes(b"not a cache")
    assert load_with_cache(content, FIXTURE_TODAY, cache).knowledge.index.find("qn") is not None
    assert cached_file(cache).read_bytes().startswith(b"optout-bot content cache")


def test_a_truncated_cache_is_ignored(content: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    load_with_cache(content, FIXTURE_TODAY, cache)
    path = cached_file(cache)
    path.write_bytes(path.read_bytes()[:-40])
    assert load_with_cache(content, FIXTURE_TODAY, cache).knowledge.index.find("qn") is not None


def test_a_tampered_cache_is_not_trusted(content: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    load_with_cache(content, FIXTURE_TODAY, cache)
    path = cached_file(cache)
    path.write_bytes(path.read_bytes().replace(b'"name":"QuietNote"', b'"name":"EvilNote"'))
    assert b"EvilNote" in path.read_bytes()
    result = load_with_cache(content, FIXTURE_TODAY, cache)
    assert result.knowledge.index.find("quietnote").name == "QuietNote"


class Planted:
    """Unpickling this creates a file: proof that code in the cache folder ran."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, ...]:
        return (Path.touch, (self.marker,))


def test_a_pickle_planted_in_the_cache_never_runs(content: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cache.mkdir(mode=0o700)
    marker = tmp_path / "code-ran"
    payload = pickle.dumps(Planted(marker))
    key = cache_key(content, FIXTURE_TODAY)
    for name in (f"knowledge-{key}.pickle", f"knowledge-{key}.json"):
        (cache / name).write_bytes(payload)
    assert load_with_cache(content, FIXTURE_TODAY, cache).knowledge.index.find("qn") is not None
    assert not marker.exists()


def test_the_cache_folder_and_files_are_private_to_the_bot(content: Path, tmp_path: Path) -> None:
    cache = tmp_path / "made" / "cache"
    load_with_cache(content, FIXTURE_TODAY, cache)
    assert stat.S_IMODE(cache.stat().st_mode) == 0o700
    for path in cache.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


def refused(cache: Path, content: Path, caplog: pytest.LogCaptureFixture) -> str:
    """Why the cache folder was refused; asserts nothing was written into it."""
    before = sorted(cache.iterdir())
    with caplog.at_level(logging.WARNING, logger="bot.content.cache"):
        result = load_with_cache(content, FIXTURE_TODAY, cache)
    assert result.knowledge.index.find("qn") is not None
    assert sorted(cache.iterdir()) == before
    (message,) = [record.getMessage() for record in caplog.records]
    return message


def test_a_cache_folder_others_can_write_is_not_used(
    content: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    cache.chmod(0o777)
    assert "group or others can write it" in refused(cache, content, caplog)


def test_a_cache_folder_of_another_account_is_not_used(
    content: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    cache.mkdir(mode=0o700)
    someone_else = cache.stat().st_uid + 1
    monkeypatch.setattr("bot.content.cache.os.geteuid", lambda: someone_else)
    assert "belongs to user id" in refused(cache, content, caplog)


def test_a_symlinked_cache_folder_is_not_used(
    content: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    real = tmp_path / "real"
    real.mkdir(mode=0o700)
    (tmp_path / "cache").symlink_to(real)
    assert "not a directory" in refused(tmp_path / "cache", content, caplog)
    assert not list(real.iterdir())


def test_invalid_content_is_never_cached(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    with pytest.raises(ContentError):
        load_with_cache(Path("tests/fixtures/broken"), FIXTURE_TODAY, cache)
    assert not list(cache.glob("knowledge-*"))


def test_an_unwritable_cache_directory_still_loads(content: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("a file where the cache directory should be")
    assert load_with_cache(content, FIXTURE_TODAY, blocker / "cache").knowledge.services


def test_the_bundled_knowledge_base_comes_back_from_the_cache_unchanged(tmp_path: Path) -> None:
    # The bundled content is judged as at the day its newest sources were read.
    first = load_with_cache(BUNDLED_CONTENT, BUNDLED_TODAY, tmp_path / "cache")
    second = load_with_cache(BUNDLED_CONTENT, BUNDLED_TODAY, tmp_path / "cache")
    assert second is not first
    assert second.knowledge.services == first.knowledge.services
    assert second.knowledge.messages == first.knowledge.messages
    assert second.warnings == first.warnings


def test_the_decoder_refuses_data_that_does_not_fit_the_record() -> None:
    fact = {"text": "A fact.", "sources": ["vendor"]}
    assert from_plain(Fact, fact) == Fact(text="A fact.", sources=["vendor"])
    for wrong in (
        {**fact, "sources": "vendor"},
        {**fact, "extra": 1},
        {"text": "A fact."},
        {**fact, "text": True},
        {**fact, "sources": [1]},
    ):
        with pytest.raises(DecodeError):
            from_plain(Fact, wrong)
    with pytest.raises(DecodeError):
        from_plain(
            Deadline,
            {"id": "x", "title": "X", "kind": "maybe", "due": "2026-01-01", "sources": ["v"]},
        )
