"""The project's own documentation stays true to the code."""

import re
from pathlib import Path

import pytest

from geodata.schema import JOURNAL, SCHEMAS

ROOT = Path(__file__).resolve().parents[1]
DATA_MODEL = (ROOT / "docs" / "data-model.md").read_text(encoding="utf-8")
ARCHITECTURE = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")


def _section(text: str, layer: str) -> str:
    """The part of data-model.md under the heading of ``layer``."""
    match = re.search(rf"^## `{layer}` .*?(?=^## |\Z)", text, flags=re.M | re.S)
    assert match, f"docs/data-model.md has no section for {layer}"
    return match.group(0)


@pytest.mark.parametrize("schema", [*SCHEMAS.values(), JOURNAL], ids=lambda s: s.name)
def test_every_field_of_the_schema_is_described_with_its_type(schema):
    section = _section(DATA_MODEL, schema.name)
    for field in schema.fields:
        row = re.search(rf"^\| `{field.name}` \| (\w+) \|.*$", section, flags=re.M)
        assert row, f"{schema.name}.{field.name} is not described"
        assert row.group(1) == field.type, f"{schema.name}.{field.name}: documented {row.group(1)}"
        assert ("**personal**" in row.group(0)) == field.personal, f"{schema.name}.{field.name}"
    described = re.findall(r"^\| `(\w+)` \|", section, flags=re.M)
    assert set(described) == set(schema.field_names), "fields described that the schema lacks"


@pytest.mark.parametrize("document", ["architecture.md", "data-model.md"])
def test_every_path_the_docs_name_exists(document):
    text = (ROOT / "docs" / document).read_text(encoding="utf-8")
    paths = set(re.findall(r"`((?:desktop|layers|geodata|resources|tests)/[\w./]*)`", text))
    assert paths
    missing = sorted(p for p in paths if not (ROOT / p.split(":")[0]).exists())
    assert not missing, f"docs/{document} names paths that do not exist: {missing}"
