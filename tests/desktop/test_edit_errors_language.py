"""An edit refused in the window is said in the window's language (issue 18, item 6): a move of a
feature deleted elsewhere, a feature added with an id already taken, a change elsewhere."""

from __future__ import annotations

import pytest

from geodata.editing import EditError, add_feature, update_feature
from geodata.editing.apply import apply_to_dataset
from geodata.stores import open_store
from layers.i18n import set_language
from layers.messages import error_text
from tests.desktop.test_one_language import english_sentences


@pytest.fixture
def dataset(sample_file):
    return open_store(sample_file).read_all()


def _refusals(dataset):
    record = dict(dataset.checkpoints.iloc[0].drop("geometry"))
    record["geometry"] = dataset.checkpoints.geometry.iloc[0]
    edit = update_feature(dataset, "checkpoints", record["id"], staff_on_shift=9)
    elsewhere = update_feature(dataset, "checkpoints", record["id"], staff_on_shift=7)
    changed = apply_to_dataset(dataset, [elsewhere])
    refused = []
    for attempt in (
        lambda: add_feature(dataset, "checkpoints", record),
        lambda: update_feature(dataset, "checkpoints", "CP-NOWHERE", staff_on_shift=1),
        lambda: apply_to_dataset(changed, [edit]),
    ):
        with pytest.raises(EditError) as caught:
            attempt()
        refused.append(caught.value)
    return refused


def test_refused_edits_are_said_in_chinese(dataset):
    set_language("zh")
    try:
        for error in _refusals(dataset):
            text = error_text(error)
            assert english_sentences(text) == [], text
    finally:
        set_language("en")


def test_refused_edits_keep_their_english(dataset):
    set_language("en")
    texts = [error_text(error) for error in _refusals(dataset)]
    assert "already exists" in texts[0] and "no such feature" in texts[1] and "changed elsewhere" in texts[2]
