"""``situation-map trend``: the daily series (:mod:`layers.trend`) as a CSV or Excel file.

    situation-map trend --out 趋势.csv
    situation-map trend --from 2020-02-01 --to 2020-02-19 --village 411771360200 --out 村.xlsx

The CSV is UTF-8 with a byte-order mark, so Excel opens it without garbling the text; the
workbook has its header row frozen. Exit status 0 written, 2 not carried out.
"""

from __future__ import annotations

import sys
from datetime import date, datetime
from pathlib import Path

from desktop.commands.common import (
    EXIT_FAILED,
    EXIT_OK,
    language_option,
    open_store_from_args,
    use_language,
    writable_output,
)
from geodata.whole_file import written_whole

FORMATS = (".csv", ".xlsx", ".svg", ".png")


def register(verbs, data_option) -> None:
    from layers.i18n import _

    trend = verbs.add_parser(
        "trend",
        parents=[data_option],
        help=_("write the daily series (under observation, new, released, follow-ups, ...) as CSV or XLSX"),
        description=_(
            "Per day, for the township or one village: households under observation, new, "
            "released and escalated, follow-ups and abnormal temperatures, disinfection rounds and "
            "overdue points, active checkpoints and staff on shift. Default: the 14 days up to the "
            "data's as-of day."
        ),
    )
    trend.add_argument("--from", dest="start", metavar="YYYY-MM-DD", help=_("first day (default: 13 days before --to)"))
    trend.add_argument("--to", dest="end", metavar="YYYY-MM-DD", help=_("last day (default: the data's as-of day)"))
    trend.add_argument("--village", metavar="CODE", help=_("one village (default: the whole township)"))
    trend.add_argument(
        "--out", required=True, metavar="FILE", help=_("FILE.csv, FILE.xlsx, or a chart: FILE.svg or FILE.png")
    )
    language_option(trend, _("language of the messages"))
    trend.set_defaults(run=run_trend)


def run_trend(args) -> int:
    use_language(args)
    try:
        return _run(args)
    except _RefusedError as exc:
        print(f"situation-map trend: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except OSError as exc:
        from desktop.os_errors import os_error_text

        print(f"situation-map trend: {os_error_text(exc)}", file=sys.stderr)
        return EXIT_FAILED


class _RefusedError(Exception):
    """What the command could not do, said in one line."""


def _run(args) -> int:
    from layers.i18n import _
    from layers.trend import daily_series

    out = Path(args.out)
    suffix = out.suffix.lower()
    if suffix not in FORMATS:
        raise _RefusedError(_("--out {path}: name a .csv, .xlsx, .svg or .png file").format(path=out))
    start = _day(args.start, "--from")
    end = _day(args.end, "--to")
    if start is not None and end is not None and start > end:
        raise _RefusedError(_("--from {start} is after --to {end}").format(start=start, end=end))
    writable_output(out)
    dataset = open_store_from_args(args).read_all()
    if args.village is not None and args.village not in set(dataset.villages["code"].astype(str)):
        raise _RefusedError(_("--village {code}: no village has this code").format(code=args.village))
    series = daily_series(dataset, start, end, village=args.village)
    _write(series, out)
    print(_("Wrote {count} days to {path}").format(count=len(series), path=out))
    return EXIT_OK


def _day(text: str | None, option: str) -> date | None:
    from layers.i18n import _

    if text is None:
        return None
    try:
        return datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError:
        raise _RefusedError(
            _("{option} {text}: give the day as YYYY-MM-DD, e.g. 2020-02-19").format(option=option, text=repr(text))
        ) from None


def _write(series, out: Path) -> None:
    """Write to a file beside ``out`` and rename it: a failed write leaves no half a file."""
    with written_whole(out, prefix=".trend-") as temporary:
        suffix = out.suffix.lower()
        if suffix == ".csv":
            series.to_csv(temporary, index=False, encoding="utf-8-sig", lineterminator="\r\n")
        elif suffix == ".xlsx":
            _write_workbook(series, temporary)
        else:
            from layers.trend_chart import trend_svg

            chart = trend_svg(series)
            if suffix == ".svg":
                temporary.write_text(chart, encoding="utf-8")
            else:
                _write_png(chart, temporary)


def _write_png(chart: str, path: Path) -> None:
    """The SVG chart drawn at twice its size (sharp on a slide) by Qt's SVG renderer."""
    from desktop.briefing.briefing_printer import application_for_printing
    from layers.i18n import _

    application_for_printing()  # text needs a running application; one without a screen is fine
    from PyQt6.QtCore import QByteArray
    from PyQt6.QtGui import QColor, QImage, QPainter
    from PyQt6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(QByteArray(chart.encode("utf-8")))
    size = renderer.defaultSize() * 2
    image = QImage(size, QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    renderer.render(painter)
    painter.end()
    if not image.save(str(path), "PNG"):
        raise _RefusedError(_("the image could not be saved as {name}").format(name=path.name))


def _write_workbook(series, path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None  # a new workbook has one sheet
    sheet.title = "trend"
    sheet.append(list(series.columns))
    for row in series.itertuples(index=False):
        sheet.append([row[0], *(int(value) for value in row[1:])])
    for cell in sheet["A"][1:]:
        cell.number_format = "yyyy-mm-dd"
    sheet.column_dimensions["A"].width = 12
    sheet.freeze_panes = "A2"
    book.save(path)
