"""A briefing printed in parts made into one PDF: the parts' pages in order, each with its page
number laid over it from a document of numbered blank pages (pikepdf, which copies pages
without re-drawing them, so the text stays text)."""

from __future__ import annotations

from pathlib import Path

import pikepdf


def page_count(pdf: Path) -> int:
    with pikepdf.open(pdf) as document:
        return len(document.pages)


def join_numbered(parts: list[Path], numbers: Path, out: Path) -> int:
    """Write ``parts`` one after another into ``out``, page ``n`` overlaid with page ``n`` of
    ``numbers``; return the pages written."""
    with pikepdf.new() as joined, pikepdf.open(numbers) as stamps:
        opened = [pikepdf.open(part) for part in parts]
        try:
            for document in opened:
                joined.pages.extend(document.pages)
            if len(stamps.pages) != len(joined.pages):
                raise ValueError(f"{len(stamps.pages)} page numbers for {len(joined.pages)} pages")
            for page, stamp in zip(joined.pages, stamps.pages, strict=True):
                page.add_overlay(stamp)
            joined.save(out)
        finally:
            for document in opened:
                document.close()
        return len(joined.pages)
