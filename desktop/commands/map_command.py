"""The ``map`` verb: the situation map as an offline web page, in a folder that can be copied."""

from __future__ import annotations

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
    page.set_defaults(run=run_map)


def run_map(args) -> int:
    from geodata.stores import open_store
    from layers.i18n import _
    from layers.webmap import write_page

    lang = use_language(args)
    out = Path(args.out)
    if out.suffix.lower() not in (".html", ".htm"):
        raise ValueError(_("--out {path}: name the page *.html").format(path=out))
    writable_output(out, make_folder=True)  # the page's folder is made, as it always was
    state = state_from_args(args)
    dataset = open_store(data_path(args)).read_all()
    path, _files = write_page(dataset, state, out.parent, lang=lang, page_name=out.name)
    print(
        _("Wrote {path} (open it in a browser; copy the whole folder {folder} to move it)").format(
            path=path, folder=out.parent
        )
    )
    return EXIT_OK
