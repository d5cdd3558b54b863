"""``situation-map template``: an Excel report template for the village work groups.

    situation-map template --layer households --out 观察户.xlsx
    situation-map template --layer followups --village 411771360200 --out 关王庙村随访.xlsx
    situation-map template --layer disinfection --lang en --out rounds.xlsx

The sheet (:mod:`geodata.templates`) has the schema's labels as headers, drop-down lists of
the words the import reads back, an instructions sheet; filled in and sent back, it imports
with ``situation-map import``. Exit status 0 written, 2 not carried out.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from desktop.commands.common import EXIT_FAILED, EXIT_OK, open_store_from_args

# The names geodata.templates.TEMPLATE_LAYERS knows, here without importing it (and pandas)
# while the parser is built.
LAYERS = ("households", "followups", "disinfection", "disinfection_rounds")


def register(verbs, data_option) -> None:
    from layers.i18n import _

    template = verbs.add_parser(
        "template",
        parents=[data_option],
        help=_("write an Excel report template for the village work groups"),
        description=_(
            "Write an .xlsx sheet for a village work group to fill in: the fields' names as "
            "headers, drop-down lists of villages, work groups, reasons and statuses, and a sheet of "
            "instructions. Filled in and sent back, it imports with 'situation-map import'."
        ),
    )
    template.add_argument(
        "--layer",
        required=True,
        choices=LAYERS,
        help=_("households, followups, or disinfection (the disinfection rounds)"),
    )
    template.add_argument("--village", metavar="CODE", help=_("one village (default: every village)"))
    template.add_argument("--out", required=True, metavar="FILE.xlsx", help=_("the workbook to write"))
    # SUPPRESS: without it, this default would overwrite the --lang given before the verb.
    template.add_argument(
        "--lang",
        choices=("zh", "en"),
        default=argparse.SUPPRESS,
        help=_("language of the sheet and the messages (default: Chinese, or the --lang before the verb)"),
    )
    template.set_defaults(run=run_template)


def run_template(args) -> int:
    from layers.i18n import set_language

    lang = getattr(args, "lang", None) or "zh"
    set_language(lang)
    try:
        return _run(args, lang)
    except _RefusedError as exc:
        print(f"situation-map template: {exc}", file=sys.stderr)
        return EXIT_FAILED


class _RefusedError(Exception):
    """What the command could not do, said in one line."""


def _run(args, lang: str) -> int:
    from desktop.os_errors import os_error_text
    from geodata.schema import schema_for
    from geodata.templates import TemplateError, template_layer, write_template
    from layers.i18n import _
    from layers.messages import message_text

    out = Path(args.out)
    if out.suffix.lower() != ".xlsx":
        raise _RefusedError(_("--out {path}: name an .xlsx file").format(path=out))
    if not out.parent.is_dir():
        raise _RefusedError(_("--out {path}: the folder does not exist").format(path=out))
    dataset = open_store_from_args(args).read_all()
    layer = template_layer(args.layer)
    try:
        template = write_template(
            dataset, layer, out, village=args.village, lang=lang, say=lambda message: message_text(message, lang=lang)
        )
    except TemplateError:
        raise _RefusedError(_("--village {code}: no village has this code").format(code=args.village)) from None
    except OSError as exc:
        raise _RefusedError(os_error_text(exc, out)) from None
    if template.village is None:
        where = _("every village")
    else:
        villages = dataset.villages.set_index(dataset.villages["code"].astype(str))
        where = _("{name} ({code})").format(name=villages.loc[template.village, "name"], code=template.village)
    print(
        _("Wrote {path}: the {what} template for {where}, {count} columns.").format(
            path=out, what=schema_for(layer).label(lang), where=where, count=len(template.columns)
        )
    )
    print(
        _("Filled in and sent back, it imports with: situation-map import --layer {layer} --from FILE").format(
            layer=layer
        )
    )
    return EXIT_OK
