"""The session: one place for what is shown, what is selected and what was edited."""

import datetime as dt

from geodata.editing import close_checkpoint, release_household
from geodata.stores import GeoPackageStore


def test_state_change_is_announced_once(session, qtbot):
    seen = []
    session.state_changed.connect(seen.append)
    # As the layers panel commits a ticked box: the state with the new filters, set twice.
    session.set_state(session.state.with_filters(checkpoint_tiers=("district",)))
    session.set_state(session.state.with_filters(checkpoint_tiers=("district",)))
    assert len(seen) == 1 and seen[0].filters.checkpoint_tiers == ("district",)


def test_edit_saves_undo_restores_redo_reapplies(session, qtbot):
    store = GeoPackageStore(session.store.path)
    first = session.dataset.checkpoints["id"].iloc[0]
    before = store.read("checkpoints")
    with qtbot.waitSignal(session.dataset_changed) as changed:
        assert session.edit(close_checkpoint(session.dataset, first, dt.date(2020, 2, 18)))
    assert changed.args[0] == {"checkpoints": [first]}
    after = store.read("checkpoints")
    assert after.loc[after["id"] == first, "status"].item() == "closed"

    session.undo_stack.undo()
    restored = store.read("checkpoints")
    assert restored.drop(columns="geometry").equals(before.drop(columns="geometry"))
    assert session.dataset.checkpoints.loc[0, "status"] == "active"

    session.undo_stack.redo()
    assert store.read("checkpoints").loc[0, "status"] == "closed"


def test_failed_save_tells_the_user_and_changes_nothing(session, qtbot, monkeypatch):
    household = session.dataset.households["id"].iloc[0]
    edit = release_household(session.dataset, household, dt.date(2020, 2, 19))
    before_bytes = session.store.path.read_bytes()
    dataset_before = session.dataset

    def disk_full(*args, **kwargs):
        raise OSError("No space left on device")

    monkeypatch.setattr(session.store, "apply_edits", disk_full)
    with qtbot.waitSignal(session.error) as error:
        assert not session.edit(edit)
    assert "No space left" in error.args[0]
    assert session.store.path.read_bytes() == before_bytes
    assert session.dataset is dataset_before
    assert session.undo_stack.count() == 0


def test_edits_and_failures_leave_no_personal_data_in_the_log(session, qtbot, caplog, monkeypatch):
    import logging

    from geodata.editing import update_feature

    household = session.dataset.households["id"].iloc[0]
    secret_name, secret_phone = "张秘密SECRET", "13912345678"
    with caplog.at_level(logging.DEBUG):
        assert session.edit(
            update_feature(session.dataset, "households", household, head_name=secret_name, phone=secret_phone)
        )
        session.undo_stack.undo()
        monkeypatch.setattr(
            session.store, "apply_edits", lambda *a, **k: (_ for _ in ()).throw(OSError(f"cannot write {secret_name}"))
        )
        session.edit(update_feature(session.dataset, "households", household, phone=secret_phone))
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert caplog.records  # the failure was logged
    assert secret_name not in logged and secret_phone not in logged
