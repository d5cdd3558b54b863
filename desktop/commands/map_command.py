"""The ``map`` verb: the situation map as an offline web page, in a folder that can be copied."""

from __future__ import annotations

from pathlib import Path

from desktop.commands.common import EXIT_OK, data_path, state_from_args, state_options


def register(verbs, data_option) -> None:
    page = verbs.add_parser(
        "map",
        parents=[data_option],
        help="write the situation map as an offline web page (a folder you can copy)",
        description="Write the situation map page, its data and every asset it loads into the "
        "folder of --out, so it opens offline in any browser, also when copied elsewhere.",
    )
    page.add_argument("--out", required=True, metavar="FILE.html", help="the page to write")
    state_options(page)
    page.set_defaults(run=run_map)


def run_map(args) -> int:
    from geodata.stores import open_store
    from layers.webmap import write_page

    out = Path(args.out)
    if out.suffix.lower() not in (".html", ".htm"):
        raise ValueError(f"--out {out}: name the page *.html")
    dataset = open_store(data_path(args)).read_all()
    state = state_from_args(args)
    path, _ = write_page(dataset, state, out.parent, lang=args.lang, page_name=out.name)
    print(f"Wrote {path} (open it in a browser; copy the whole folder {out.parent} to move it)")
    return EXIT_OK
