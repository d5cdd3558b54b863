"""A briefing printed in parts made into one PDF: the parts' pages in order, each with its page
number laid over it from a document of numbered blank pages (pikepdf, which copies pages
without re-drawing them, so the text stays text)."""

from __future__ import annotations

from pathlib import Path

import pikepdf


def page_count(pdf: Path) -> int:
    with pikepdf.open(pdf) as document:
        return len(document.pages)


def join_numbered(parts: list[Path], numbers: list[Path], out: Path) -> int:
    """Write ``parts`` one after another into ``out``, page ``n`` overlaid with page ``n`` of
    the ``numbers`` documents taken one after another; return the pages written."""
    with pikepdf.new() as joined:
        opened = [pikepdf.open(part) for part in parts]
        stamps = [pikepdf.open(number) for number in numbers]
        try:
            for document in opened:
                joined.pages.extend(document.pages)
            stamp_pages = [page for document in stamps for page in document.pages]
            if len(stamp_pages) != len(joined.pages):
                raise ValueError(f"{len(stamp_pages)} page numbers for {len(joined.pages)} pages")
            for page, stamp in zip(joined.pages, stamp_pages, strict=True):
                page.add_overlay(stamp)
            joined.save(out)
        finally:
            for document in opened + stamps:
                document.close()
        return len(joined.pages)
