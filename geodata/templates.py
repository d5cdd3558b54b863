"""Report templates for the village work groups: an Excel sheet to fill in and send back.

    write_template(dataset, "followups", "随访记录.xlsx", village="411771360200", lang="zh", say=translate)

The first sheet is the table to fill in: the schema's labels as headers (``*`` marks the
columns a row needs), drop-down lists of the words the import understands (villages by name,
reasons, statuses and results as words, the households or disinfection points of the village,
the work groups), whole-number and day checks from the schema's limits, the header frozen,
columns as wide as their words, days formatted as days. The second sheet says, in the chosen
language, what each column means and how to write it; a hidden third sheet holds the lists too
long for a cell's list. The import (:mod:`geodata.importing`) reads the filled sheet back: its
headers are the schema's labels, its words the labels of the coded values.

geodata cannot import layers.i18n: the instructions are ``Message``\\ s, turned into text by
``say`` (the command line passes layers.messages.message_text); names that belong to the
schema are read from it in ``lang``.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from geodata.dataset import Dataset
from geodata.errors import GeodataError
from geodata.messages import N_, Message, bilingual
from geodata.schema import OBSERVATION_DAYS, Field, LayerSchema, choice_label, schema_for
from geodata.whole_file import written_whole

# The names a template is asked for by: "disinfection" is the event table of rounds.
TEMPLATE_LAYERS = {
    "households": "households",
    "followups": "followups",
    "disinfection": "disinfection_rounds",
    "disinfection_rounds": "disinfection_rounds",
}
# The columns of each template, in order: what a work group reports. A household's last check
# and temperature come from the follow-ups, so its template leaves them out.
COLUMNS = {
    "households": (
        "id",
        "village",
        "villager_group",
        "reason",
        "persons",
        "observation_start",
        "observation_days",
        "status",
        "status_date",
        "head_name",
        "phone",
        "note",
    ),
    "followups": ("id", "household", "village", "time", "temperature", "symptoms", "result", "reported_by", "note"),
    "disinfection_rounds": ("id", "point", "village", "time", "agent", "reported_by", "note"),
}
LONGITUDE, LATITUDE = ("经度", "Longitude"), ("纬度", "Latitude")
ROWS = 1000  # rows prepared with lists and formats: more than a village reports in a day
LISTS_SHEET = "lists"
DAY_FORMAT, TIME_FORMAT = "yyyy-mm-dd", "yyyy-mm-dd hh:mm"
_INLINE_LIST = 200  # Excel keeps a list typed into the check to 255 characters
_HEADER_FILL, _REQUIRED_FILL = "DDEBF7", "FCE4D6"

# Fields left empty that the import fills in: not required of the person filling the sheet.
_FILLED_BY_IMPORT = {"households": {"village", "status", "observation_days"}}

_MEANINGS: dict[str, str] = {
    "id": N_("a number of your own for the row, used for nothing else, e.g. {example}"),
    "village": N_("the village; left empty, it is taken from the location"),
    "villager_group": N_("the villager group, a number"),
    "reason": N_("why the household is observed"),
    "persons": N_("how many people of the household are observed"),
    "observation_start": N_("the day observation began"),
    "observation_days": N_("how many days observation lasts; left empty, {days}"),
    "status": N_("where observation stands; left empty, {observing}"),
    "status_date": N_("the day the household was released or escalated"),
    "head_name": N_("the head of household's name (personal: for the command centre only)"),
    "phone": N_("a phone number that reaches the household (personal)"),
    "note": N_("anything else worth knowing (for the command centre only)"),
    "household": N_("the household's number as on the household list"),
    "time": N_("the day and time"),
    "temperature": N_("the highest temperature measured in the household, in °C"),
    "symptoms": N_("whether anyone has a cough, fever or other symptoms"),
    "result": N_("what the visit found"),
    "reported_by": N_("who reports: your work group"),
    "point": N_("the disinfection point's number (the points are listed below)"),
    "agent": N_("the disinfectant used"),
    "location": N_(
        "where the household lives, in degrees from a phone's GPS (WGS-84), e.g. {example}; "
        "if read from a Gaode, Tencent or WeChat map, say so when sending the sheet"
    ),
}
_EVENT_VILLAGE = N_("the village; left empty, it is taken from the {feature}")
_ROW_IS = {
    "households": N_("household under observation"),
    "followups": N_("visit to a household"),
    "disinfection_rounds": N_("round of disinfection at a point"),
}
_YES_NO = {"zh": ("是", "否"), "en": ("Yes", "No")}


class TemplateError(GeodataError):
    """A template cannot be made (unknown layer or village); the message says why."""


@dataclass
class TemplateColumn:
    """One column of the sheet to fill in."""

    header: str
    field_name: str | None  # None for the longitude and latitude columns
    required: bool
    meaning: str
    how: str
    words: list[str] = field(default_factory=list)  # the drop-down list, if any
    strict: bool = True  # words outside the list refused (else only warned about)
    number_format: str = "General"
    bounds: tuple[str, float, float] | None = None  # ("whole"/"decimal"/"date", low, high)
    sample: str = ""  # a typical value, so the column is wide enough to show it


@dataclass
class Template:
    """What was written: the layer, its columns and sheets."""

    layer: str
    village: str | None
    columns: list[TemplateColumn]
    sheets: list[str]


def template_layer(name: str) -> str:
    """The layer a template named ``name`` reports into (``disinfection`` -> ``disinfection_rounds``)."""
    if name not in TEMPLATE_LAYERS:
        raise TemplateError(f"no template for {name!r}; choose one of: {', '.join(TEMPLATE_LAYERS)}")
    return TEMPLATE_LAYERS[name]


def write_template(
    dataset: Dataset,
    layer: str,
    path,
    *,
    village: str | None = None,
    lang: str = "zh",
    say: Callable[[Message], str] = str,
) -> Template:
    """Write the template of ``layer`` for ``village`` (a code or name; None: every village)
    to ``path`` (.xlsx), its words in ``lang``; ``say`` gives an instruction in ``lang``.

    The file is written beside ``path`` and renamed: a failed write leaves no half a file.

    Raises
    ------
    TemplateError
        For a layer without a template or a village the dataset does not have.
    OSError
        When the file cannot be written.
    """
    from openpyxl import Workbook

    layer = template_layer(layer)
    schema = schema_for(layer)
    code = _village_code(dataset, village)
    columns = _columns(dataset, schema, code, lang, say)
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # a new workbook has one sheet
    sheet.title = _sheet_name(schema.label(lang))
    notes = book.create_sheet(_sheet_name(say(Message(N_("Instructions")))))
    lists = book.create_sheet(LISTS_SHEET)
    _fill_table(sheet, lists, columns, say)
    _fill_instructions(notes, dataset, schema, code, columns, lang, say)
    lists.sheet_state = "hidden"
    book.active = 0
    book.properties.title = f"{schema.label(lang)} · {sheet.title}"
    book.properties.keywords = f"situation-map template {layer}"
    book.properties.creator = "situation-map"
    _save(book, Path(path))
    return Template(layer, code, columns, [sheet.title, notes.title, lists.title])


# --- what the columns are -----------------------------------------------------------------


def _village_code(dataset: Dataset, village: str | None) -> str | None:
    if village is None:
        return None
    from geodata.importing.villages import VillageLookup

    code = VillageLookup(dataset.villages).code_for(village)
    if code is None:
        raise TemplateError(f"--village {village}: no village has this code")
    return code


def _columns(dataset: Dataset, schema: LayerSchema, code: str | None, lang: str, say) -> list[TemplateColumn]:
    villages = dataset.villages
    if code is not None:
        villages = villages[villages["code"].astype(str) == code]
    names = [str(n) for n in villages["name"]]
    columns = []
    for name in COLUMNS[schema.name]:
        f = schema.field(name)
        required = f.required and name not in _FILLED_BY_IMPORT.get(schema.name, ()) and name != schema.village_field
        column = TemplateColumn(
            header=f.label(lang) + (" *" if required else ""),
            field_name=name,
            required=required,
            meaning=say(_meaning(schema, f, names, lang)),
            how="",
        )
        _describe_values(column, dataset, schema, f, villages, lang, say)
        column.sample = {"id": _sample_id(schema.name, names), "phone": "13800000000"}.get(name, "")
        columns.append(column)
    if schema.is_spatial:
        where = Message(_MEANINGS["location"], example="113.96639, 33.00064")
        for label, example, bounds in ((LONGITUDE, "113.96639", 180), (LATITUDE, "33.00064", 90)):
            columns.append(
                TemplateColumn(
                    header=bilingual(*label, lang) + " *",
                    field_name=None,
                    required=True,
                    meaning=say(where),
                    how=say(Message(N_("a number in degrees, e.g. {example}"), example=example)),
                    number_format="0.00000",
                    sample=example,
                    bounds=("decimal", -bounds, bounds),
                )
            )
    return columns


def _sample_id(layer: str, names: list[str]) -> str:
    return (names[0] if names else "") + "-" + ("001" if layer == "households" else "0219-01")


def _meaning(schema: LayerSchema, f: Field, names: list[str], lang: str) -> Message:
    if f.name == "id":
        return Message(_MEANINGS["id"], example=_sample_id(schema.name, names))
    if f.name == schema.village_field and schema.name != "households":
        feature = Message(N_("household")) if schema.name == "followups" else Message(N_("disinfection point"))
        return Message(_EVENT_VILLAGE, feature=feature)
    if f.name == "observation_days":
        return Message(_MEANINGS["observation_days"], days=OBSERVATION_DAYS)
    if f.name == "status":
        return Message(_MEANINGS["status"], observing=choice_label(schema.name, "status", "observing", lang))
    return Message(_MEANINGS.get(f.name, N_("as the header says")))


def _describe_values(column: TemplateColumn, dataset: Dataset, schema, f: Field, villages, lang: str, say) -> None:
    """The column's list, checks, format, and how to write it."""
    layer = schema.name
    if f.choices:
        column.words = [choice_label(layer, f.name, value, lang) for value in f.choices]
    elif f.name == schema.village_field:
        column.words = [str(n) for n in villages["name"]]
    elif f.name == "villager_group":
        groups = pd.to_numeric(villages["groups"], errors="coerce").dropna()
        column.words = [str(n) for n in range(1, int(groups.max()) + 1)] if len(groups) else []
    elif f.name in ("household", "point"):
        features = dataset["households" if f.name == "household" else "disinfection_points"]
        features = features[features["village"].astype(str).isin(set(villages["code"].astype(str)))]
        column.words = sorted(str(i) for i in features["id"])
    elif f.name == "reported_by":
        column.words = sorted({str(w) for w in villages["work_group"].dropna() if str(w).strip()})
        column.strict = False
    elif f.name == "agent" and layer in dataset:
        column.words = sorted({str(a) for a in dataset[layer]["agent"].dropna() if str(a).strip()})
        column.strict = False
    if f.type == "bool":
        column.words = list(_YES_NO.get(lang, _YES_NO["en"]))
    if column.words and len(column.words) > 12:
        column.how = say(Message(N_("choose from the drop-down list ({count} entries)"), count=len(column.words)))
    elif column.words:
        listed = "、".join(column.words) if lang == "zh" else ", ".join(column.words)
        template = (
            N_("choose from the list: {words}") if column.strict else N_("choose from the list or write: {words}")
        )
        column.how = say(Message(template, words=listed))
    if f.type == "date":
        column.number_format, column.bounds = DAY_FORMAT, ("date", 2019, 2099)
        column.how = say(Message(N_("a day, e.g. {example}"), example="2020-02-19"))
    elif f.type == "datetime":
        column.number_format, column.bounds = TIME_FORMAT, ("datetime", 2019, 2099)
        column.how = say(Message(N_("a day and time, e.g. {example}"), example="2020-02-19 08:30"))
    elif f.type in ("int", "float") and not column.words:
        low = f.minimum if f.minimum is not None else 0
        high = f.maximum if f.maximum is not None else 1e9
        column.bounds = ("whole" if f.type == "int" else "decimal", low, high)
        template = N_("a whole number from {low} to {high}") if f.type == "int" else N_("a number from {low} to {high}")
        column.how = say(Message(template, low=_number(low), high=_number(high)))
        column.number_format = "0" if f.type == "int" else "0.0"
    elif f.type == "str":
        column.number_format = "@"  # a phone number or the id 001 stays as typed
        if not column.how:
            column.how = say(Message(N_("text")))


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


# --- the sheets -----------------------------------------------------------------------------


def _fill_table(sheet, lists, columns: list[TemplateColumn], say) -> None:
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    thin = Side(style="thin", color="9BA7B4")
    list_column = 0
    for number, column in enumerate(columns, start=1):
        letter = get_column_letter(number)
        cell = sheet.cell(row=1, column=number, value=column.header)
        cell.font = Font(bold=True, color="9C0006" if column.required else "1F3864")
        cell.fill = PatternFill("solid", fgColor=_REQUIRED_FILL if column.required else _HEADER_FILL)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = Border(bottom=thin, right=thin)
        for row in range(2, ROWS + 2):
            sheet.cell(row=row, column=number).number_format = column.number_format
        cells = f"{letter}2:{letter}{ROWS + 1}"
        check = None
        if column.words:
            inline = ",".join(column.words)
            if len(inline) <= _INLINE_LIST and not any("," in w or '"' in w for w in column.words):
                source = f'"{inline}"'
            else:
                list_column += 1
                source = _listed(lists, list_column, column)
            check = DataValidation(type="list", formula1=source, allow_blank=True)
            check.errorStyle = "stop" if column.strict else "warning"
            check.error = say(Message(N_("Choose one of the words in the list.")))
            check.errorTitle = _short(column.header)
        elif column.bounds is not None:
            kind, low, high = column.bounds
            if kind in ("date", "datetime"):
                check = DataValidation(
                    type="date" if kind == "date" else "decimal",
                    operator="between",
                    formula1=f"DATE({low},1,1)",
                    formula2=f"DATE({high},12,31)" if kind == "date" else f"DATE({high + 1},1,1)",
                    allow_blank=True,
                )
                check.error = column.how
            else:
                check = DataValidation(
                    type="whole" if kind == "whole" else "decimal",
                    operator="between",
                    formula1=_number(low),
                    formula2=_number(high),
                    allow_blank=True,
                )
                check.error = column.how
            check.errorStyle = "stop"
            check.errorTitle = _short(column.header)
        if check is not None:
            check.showErrorMessage = True
            check.showInputMessage = True
            check.promptTitle = _short(column.header)
            check.prompt = column.meaning[:250]
            sheet.add_data_validation(check)
            check.add(cells)
        sheet.column_dimensions[letter].width = _width(column)
    sheet.row_dimensions[1].height = 32
    sheet.freeze_panes = "A2"
    sheet.print_title_rows = "1:1"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


def _listed(lists, number: int, column: TemplateColumn) -> str:
    from openpyxl.utils import get_column_letter

    letter = get_column_letter(number)
    lists.cell(row=1, column=number, value=column.header)
    for row, word in enumerate(column.words, start=2):
        lists.cell(row=row, column=number, value=word).number_format = "@"
    lists.column_dimensions[letter].width = _width(column)
    return f"'{LISTS_SHEET}'!${letter}$2:${letter}${len(column.words) + 1}"


def _fill_instructions(sheet, dataset: Dataset, schema, code, columns, lang: str, say) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill

    metadata = dataset.metadata
    township = metadata.get("township_name" if lang == "zh" else "township_name_en") or metadata.get(
        "township_name", ""
    )
    centre = metadata.get("issuing_body") if lang == "zh" else None
    centre = centre or say(Message(N_("the command centre")))
    title = say(Message(N_("{township}: {what}, report template"), township=township, what=schema.label(lang)))
    lines = [title]
    if code is not None:
        name = dataset.villages.loc[dataset.villages["code"].astype(str) == code, "name"].iat[0]
        lines.append(say(Message(N_("For the village {name} ({code})."), name=name, code=code)))
    steps = [
        Message(
            N_("Fill in one row per {row} on the sheet {sheet}, from row 2 down."),
            row=Message(_ROW_IS[schema.name]),
            sheet=sheet.parent.worksheets[0].title,
        ),
        Message(N_("Columns marked * are needed in every row; the others may stay empty.")),
        Message(N_("Choose words from the drop-down lists: the import understands them and no other spelling.")),
        Message(N_("Write days as 2020-02-19, times as 2020-02-19 08:30.")),
        Message(N_("Do not change the headers, the order of the columns or the sheets.")),
        Message(N_("Save the file as .xlsx and send it back to {centre}."), centre=centre),
        Message(
            N_(
                "A row the import cannot read is named with its row number and column; "
                "correct it and send the file again."
            )
        ),
    ]
    if schema.name in ("households", "followups"):
        steps.append(Message(N_("Filled in, the sheet holds personal data: send it to {centre} only."), centre=centre))
    lines.extend(f"{number}. {say(step)}" for number, step in enumerate(steps, start=1))
    for row, text in enumerate(lines, start=1):
        cell = sheet.cell(row=row, column=1, value=text)
        cell.font = Font(bold=row == 1, size=14 if row == 1 else 11)
        cell.alignment = Alignment(vertical="center", wrap_text=True)
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(_NOTE_WIDTHS))
        sheet.row_dimensions[row].height = _height([(text, sum(_NOTE_WIDTHS))], 26 if row == 1 else 18)
    top = len(lines) + 2
    headings = [say(Message(word)) for word in (N_("Column"), N_("Meaning"), N_("Required"), N_("How to write"))]
    yes, no = _YES_NO.get(lang, _YES_NO["en"])
    table = [headings] + [[c.header, c.meaning, yes if c.required else no, c.how] for c in columns]
    for offset, values in enumerate(table):
        sheet.row_dimensions[top + offset].height = _height(list(zip(values, _NOTE_WIDTHS, strict=True)), 18)
        for number, value in enumerate(values, start=1):
            cell = sheet.cell(row=top + offset, column=number, value=value)
            cell.alignment = Alignment(vertical="top", wrap_text=True)
            if offset == 0:
                cell.font = Font(bold=True)
                cell.fill = PatternFill("solid", fgColor=_HEADER_FILL)
    if schema.name == "disinfection_rounds":
        _points_table(sheet, dataset, code, top + len(table) + 1, lang, say)
    for letter, width in zip("ABCD", _NOTE_WIDTHS, strict=True):
        sheet.column_dimensions[letter].width = width


def _points_table(sheet, dataset: Dataset, code, top: int, lang: str, say) -> None:
    from openpyxl.styles import Font

    points = dataset["disinfection_points"]
    if code is not None:
        points = points[points["village"].astype(str) == code]
    names = dict(zip(dataset.villages["code"].astype(str), dataset.villages["name"].astype(str), strict=False))
    sheet.cell(row=top, column=1, value=say(Message(N_("The disinfection points")))).font = Font(bold=True)
    schema = schema_for("disinfection_points")
    header = [schema.field(n).label(lang) for n in ("id", "name", "village")]
    for number, value in enumerate(header, start=1):
        sheet.cell(row=top + 1, column=number, value=value).font = Font(bold=True)
    for row, point in enumerate(points.sort_values("id").itertuples(), start=top + 2):
        sheet.cell(row=row, column=1, value=str(point.id))
        sheet.cell(row=row, column=2, value=str(point.name))
        sheet.cell(row=row, column=3, value=names.get(str(point.village), str(point.village)))


def _save(book, path: Path) -> None:
    with written_whole(path, prefix=".template-") as temporary:
        book.save(temporary)


_NOTE_WIDTHS = (20, 56, 8, 50)  # the instructions' columns: column, meaning, required, how


def _height(cells: list[tuple[str, float]], line: float) -> float:
    """A row's height, in points, for wrapped texts in columns of the given widths: Excel
    keeps a height written in the file, and not every program fits rows itself."""
    lines = max(math.ceil(_text_width(text) / max(width - 1, 1)) for text, width in cells) if cells else 1
    return line * max(lines, 1)


def _text_width(text: str) -> int:
    """Columns a text takes in a spreadsheet: a Chinese character takes two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in str(text))


def _width(column: TemplateColumn) -> float:
    words = [column.header.replace(" *", "  "), column.sample, *column.words]
    if column.number_format == TIME_FORMAT:
        words.append("2020-02-19 08:30")
    elif column.number_format == DAY_FORMAT:
        words.append("2020-02-19")
    return min(max(_text_width(w) for w in words) + 4, 44)


def _short(text: str) -> str:
    return text[:32]  # Excel's limit for a check's title


def _sheet_name(text: str) -> str:
    return "".join(ch for ch in text if ch not in "[]:*?/\\")[:31]
