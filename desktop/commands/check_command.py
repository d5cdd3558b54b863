"""The ``check`` verb: count the features of every layer and list every problem in the data.

Exit status 0 when there are no errors (warnings allowed), 1 when there are.
"""

from __future__ import annotations

import argparse

from desktop.commands.common import EXIT_DATA_ERRORS, EXIT_OK, data_path


def register(verbs, data_option) -> None:
    check = verbs.add_parser(
        "check",
        parents=[data_option],
        help="count the features of every layer and list every problem in the data",
        description="Print a per-layer count table and every problem. Exit status 0 when "
        "there are no errors (warnings allowed), 1 when there are.",
    )
    # SUPPRESS: without it, this default would overwrite the --lang given before the verb.
    check.add_argument(
        "--lang",
        choices=("zh", "en"),
        default=argparse.SUPPRESS,
        help="language of the problems (default: English, or the --lang before the verb)",
    )
    check.set_defaults(run=run_check)


def run_check(args) -> int:
    from desktop.commands.report import format_check_report
    from geodata.stores import open_store
    from geodata.validation import has_errors, validate
    from layers.i18n import set_language

    # Explicit: the language must not depend on whatever ran before in this process.
    set_language(getattr(args, "lang", None) or "en")
    store = open_store(data_path(args))
    dataset = store.read_all()
    problems = validate(dataset)
    print(format_check_report(store.path, dataset, problems))
    return EXIT_DATA_ERRORS if has_errors(problems) else EXIT_OK
