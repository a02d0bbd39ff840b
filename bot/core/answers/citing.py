"""Turning sourced content into rich text, with 'reported by' where only news supports a fact."""

from __future__ import annotations

from functools import lru_cache

from bot.core.knowledge import Service
from bot.core.richtext import Link, RichText, Strong, Text, parse_labels


@lru_cache(maxsize=8192)
def labelled(text: str) -> RichText:
    """Content text with its ``[Label]`` marks parsed (validated at load, so this cannot fail)."""
    return parse_labels(text)


def emphasised(text: str) -> RichText:
    """Content text shown strong, unless it carries labels (which are emphasised already)."""
    rich = labelled(text)
    return (Strong(text),) if all(isinstance(span, Text) for span in rich) else rich


def cited(service: Service, text: str, sources: list[str]) -> RichText:
    """The text, followed by '(reported by …)' when every cited source is news."""
    rich = labelled(text)
    cited_sources = [service.source_by_id[ref] for ref in sources if ref in service.source_by_id]
    if cited_sources and all(source.kind == "news" for source in cited_sources):
        publishers = ", ".join(dict.fromkeys(source.publisher for source in cited_sources))
        return (*rich, Text(f" (reported by {publishers})"))
    return rich


def source_links(service: Service) -> tuple[Link, ...]:
    """The service's sources as links titled 'Title (Publisher, date)'."""
    links = []
    for source in service.sources:
        dated = f", {source.published.isoformat()}" if source.published else ""
        links.append(Link(source.url, f"{source.title} ({source.publisher}{dated})"))
    return tuple(links)
