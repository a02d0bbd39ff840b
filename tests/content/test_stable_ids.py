"""Service ids are public (commands, buttons and pinned answers refer to them): never rename one."""

from tests.support import BUNDLED_CONTENT

PUBLISHED = BUNDLED_CONTENT.parent / "tests" / "content" / "published_ids.txt"


def test_no_published_service_id_disappears() -> None:
    published = PUBLISHED.read_text(encoding="utf-8").split()
    current = {path.stem for path in (BUNDLED_CONTENT / "services").glob("*.yaml")}
    missing = sorted(set(published) - current)
    assert not missing, f"service ids were renamed or removed: {missing}; keep them stable"


def test_every_service_id_is_published() -> None:
    published = set(PUBLISHED.read_text(encoding="utf-8").split())
    current = {path.stem for path in (BUNDLED_CONTENT / "services").glob("*.yaml")}
    new = sorted(current - published)
    assert not new, f"add the new service ids {new} to {PUBLISHED.name} (ids are forever)"
