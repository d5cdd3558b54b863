"""The ``check`` verb: count the features of every layer and list every problem in the data.

Exit status 0 when there are no errors (warnings allowed), 1 when there are.
"""

from __future__ import annotations

from desktop.commands.common import EXIT_DATA_ERRORS, EXIT_OK, data_path, language_option, use_language


def register(verbs, data_option) -> None:
    from layers.i18n import _

    check = verbs.add_parser(
        "check",
        parents=[data_option],
        help=_("count the features of every layer and list every problem in the data"),
        description=_(
            "Print a per-layer count table and every problem. Exit status 0 when "
            "there are no errors (warnings allowed), 1 when there are."
        ),
    )
    language_option(check, _("language of the report"))
    check.set_defaults(run=run_check)


def run_check(args) -> int:
    from desktop.commands.report import format_check_report
    from geodata.stores import open_store
    from geodata.validation import has_errors, validate

    use_language(args)
    store = open_store(data_path(args))
    dataset = store.read_all()
    problems = validate(dataset)
    print(format_check_report(store.path, dataset, problems))
    return EXIT_DATA_ERRORS if has_errors(problems) else EXIT_OK
