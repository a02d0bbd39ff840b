import pickle
import shutil
from pathlib import Path

import pytest

from bot.content.cache import cache_key, load_with_cache
from bot.content.loader import ContentError
from tests.support import FIXTURE_CONTENT, FIXTURE_TODAY


@pytest.fixture
def content(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, target)
    return target


def test_second_load_comes_from_the_cache(content: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = load_with_cache(content, FIXTURE_TODAY, cache)
    cached = list(cache.glob("knowledge-*.pickle"))
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
    assert len(list(cache.glob("knowledge-*.pickle"))) == 1


def test_the_date_is_part_of_the_key(content: Path) -> None:
    from datetime import timedelta

    assert cache_key(content, FIXTURE_TODAY) != cache_key(content, FIXTURE_TODAY + timedelta(1))


def test_a_corrupt_cache_is_ignored(content: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / f"knowledge-{cache_key(content, FIXTURE_TODAY)}.pickle").write_bytes(b"not a pickle")
    assert load_with_cache(content, FIXTURE_TODAY, cache).knowledge.index.find("qn") is not None


def test_a_foreign_object_in_the_cache_is_ignored(content: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    target = cache / f"knowledge-{cache_key(content, FIXTURE_TODAY)}.pickle"
    target.write_bytes(pickle.dumps({"not": "a result"}))
    assert load_with_cache(content, FIXTURE_TODAY, cache).knowledge.index.find("qn") is not None


def test_invalid_content_is_never_cached(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    with pytest.raises(ContentError):
        load_with_cache(Path("tests/fixtures/broken"), FIXTURE_TODAY, cache)
    assert not cache.exists() or not list(cache.glob("*"))


def test_an_unwritable_cache_directory_still_loads(content: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("a file where the cache directory should be")
    assert load_with_cache(content, FIXTURE_TODAY, blocker / "cache").knowledge.services
