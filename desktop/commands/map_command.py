"""The ``map`` verb: the situation map as an offline web page, in a folder that can be copied."""

from __future__ import annotations

import sys
from pathlib import Path

from desktop.commands.common import EXIT_OK, data_path, state_from_args, state_options, use_language, writable_output


def register(verbs, data_option) -> None:
    from layers.i18n import _

    page = verbs.add_parser(
        "map",
        parents=[data_option],
        help=_("write the situation map as an offline web page (a folder you can copy)"),
        description=_(
            "Write the situation map page, its data and every asset it loads into the "
            "folder of --out, so it opens offline in any browser, also when copied elsewhere."
        ),
    )
    page.add_argument("--out", required=True, metavar="FILE.html", help=_("the page to write"))
    state_options(page)
    # A page is written in one burst that makes millions of objects and next to no cycles, and
    # the process then ends (desktop/cli.py: `short_lived`): the collector's passes over them
    # were a tenth of the command's CPU (0.1 s at 1,000 households, 0.25 s at 100,000, 0.9 s at
    # 1,000,000) and freed nothing (the same peak memory without them), and Python's teardown
    # of it all after the page was written another 0.2-0.3 s.
    page.set_defaults(run=run_map, short_lived=True)


def run_map(args) -> int:
    from geodata.stores import open_store
    from layers.basemap_tiles import COPY_LIMIT, tiles_beside
    from layers.i18n import _
    from layers.webmap import page_bounds, write_page

    lang = use_language(args)
    out = Path(args.out)
    if out.suffix.lower() not in (".html", ".htm"):
        raise ValueError(_("--out {path}: name the page *.html").format(path=out))
    writable_output(out, make_folder=True)  # the page's folder is made, as it always was
    state = state_from_args(args)
    dataset = open_store(data_path(args)).read_all()
    # An MBTiles basemap's tiles go beside the page: a browser reads them from disk.
    tiles = tiles_beside(state.basemap, out.parent, page_bounds(dataset, state))
    path, _files = write_page(dataset, state, out.parent, lang=lang, page_name=out.name, tiles=tiles)
    if tiles is not None and tiles.copied is not None and tiles.copied.capped:
        print(
            _(
                "The basemap's tiles were copied down to zoom {zoom} ({count} tiles): deeper levels "
                "would pass {limit} tiles, and the page enlarges zoom {zoom} instead"
            ).format(zoom=tiles.max_zoom, count=tiles.copied.count, limit=COPY_LIMIT),
            file=sys.stderr,
        )
    print(
        _("Wrote {path} (open it in a browser; copy the whole folder {folder} to move it)").format(
            path=path, folder=out.parent
        )
    )
    return EXIT_OK
