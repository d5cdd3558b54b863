"""The planning panel: coverage of road entries, suggested new checkpoints, what-if sites.

The panel keeps the plan in the session's MapState (``state.planning``), so the map, a saved
view preset and a briefing all show the same plan. Figures are computed here from the same
:mod:`layers.planning` functions; a siting run goes to a worker thread with progress and a
Cancel button, and the window stays responsive meanwhile.
"""

from __future__ import annotations

from PyQt6.QtCore import Qt, QTimer, pyqtSignal
from PyQt6.QtGui import QKeySequence, QShortcut
from PyQt6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from shapely.geometry import Point

from desktop.background import BackgroundJob
from desktop.os_errors import error_text
from geodata.editing import EditError, add_feature
from geodata.feedback import Cancelled
from geodata.schema import CHECKPOINT_TIERS, ROAD_CLASSES, choice_label
from layers.derived_cache import DerivedCache
from layers.features import edit_text, next_free_id
from layers.i18n import _, language
from layers.map_state import PlannedSite, Planning
from layers.planning import DEFAULT_WEIGHTS, PlanningError, Site, suggest_sites
from layers.planning.overlay import context_for, options_of
from layers.planning.siting import note_text, step_text
from layers.planning.summary import coverage_figures, existing_text, planned_text, text_of

ACCEPTED_TIER = "village"


def _road_class_label(road_class: str) -> str:
    return choice_label("roads", "road_class", road_class, language())


def _tier_label(tier: str) -> str:
    return choice_label("checkpoints", "tier", tier, language())


class PlanningPanel(QWidget):
    """Radius, k, road-class weights, show gaps, suggest; figures; proposals to accept."""

    figures_changed = pyqtSignal()

    def __init__(self, session, parent=None):
        super().__init__(parent)
        self.setObjectName("planning-panel")
        self.session = session
        self._memo = DerivedCache()  # the planning context, kept while the dataset and options hold
        self._runs: list[BackgroundJob] = []  # the current run, and cancelled ones not yet ended
        self._job: BackgroundJob | None = None
        self.placing = False  # the next map clicks drop what-if checkpoints
        self.report = None  # CoverageReport with every proposed and what-if site
        self.base_report = None  # CoverageReport of the existing checkpoints alone
        self.figures = None  # CoverageFigures: entries covered now and with the plan
        self._build()
        self._stale = True  # figures not counted since the last change
        session.state_changed.connect(lambda _state: self._changed())
        session.dataset_changed.connect(self._on_dataset_changed)

    # -- building ----------------------------------------------------------------------------

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.radius_box = QSpinBox(minimum=10, maximum=20000, singleStep=50, value=300)
        self.radius_box.setSuffix(" m")
        form.addRow(_("Coverage radius"), self.radius_box)
        self.k_box = QSpinBox(minimum=1, maximum=100, value=3)
        form.addRow(_("New checkpoints (k)"), self.k_box)
        self.along_roads_box = QCheckBox(_("Measure along the roads"))
        self.lscp_box = QCheckBox(_("Fewest checkpoints to cover every entry"))
        form.addRow(self.along_roads_box, self.lscp_box)
        layout.addLayout(form)

        weights = QGroupBox(_("Road-class weights"))
        weights_grid = QGridLayout(weights)  # two classes a row: the panel shares its height
        self.weight_boxes: dict[str, QDoubleSpinBox] = {}
        for n, road_class in enumerate(ROAD_CLASSES):
            box = QDoubleSpinBox(minimum=0.0, maximum=100.0, singleStep=0.5, decimals=1)
            box.setValue(DEFAULT_WEIGHTS[road_class])
            weights_grid.addWidget(QLabel(_road_class_label(road_class)), n // 2, (n % 2) * 2)
            weights_grid.addWidget(box, n // 2, (n % 2) * 2 + 1)
            self.weight_boxes[road_class] = box
        layout.addWidget(weights)

        buttons = QHBoxLayout()
        self.show_gaps_box = QCheckBox(_("Show gaps"))
        self.suggest_button = QPushButton(_("Suggest"))
        self.cancel_button = QPushButton(_("Cancel"))
        self.cancel_button.setEnabled(False)
        buttons.addWidget(self.show_gaps_box)
        buttons.addWidget(self.suggest_button)
        buttons.addWidget(self.cancel_button)
        layout.addLayout(buttons)
        self.progress_bar = QProgressBar(minimum=0, maximum=100)
        self.progress_bar.setVisible(False)
        layout.addWidget(self.progress_bar)
        self.status_label = QLabel()
        self.status_label.setTextFormat(Qt.TextFormat.PlainText)  # messages name sites and villages
        self.status_label.setWordWrap(True)
        layout.addWidget(self.status_label)

        self.figures_label = QLabel()
        self.figures_label.setWordWrap(True)
        self.figures_label.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.figures_label)
        self.village_table = _table([_("Village"), _("Entries"), _("Covered now"), _("With plan")])
        layout.addWidget(self.village_table, 2)

        what_if = QHBoxLayout()
        self.place_button = QPushButton(_("Drop what-if checkpoint"))
        self.place_button.setCheckable(True)
        self.clear_button = QPushButton(_("Clear plan"))
        what_if.addWidget(self.place_button)
        what_if.addWidget(self.clear_button)
        layout.addLayout(what_if)
        self.sites_table = _table([_("Site"), _("Village"), _("Adds weight"), _("Covers entries")])
        self.sites_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        layout.addWidget(self.sites_table, 2)
        accept = QHBoxLayout()
        self.tier_box = QComboBox()
        for tier in CHECKPOINT_TIERS:
            self.tier_box.addItem(_tier_label(tier), tier)
        self.tier_box.setCurrentIndex(CHECKPOINT_TIERS.index(ACCEPTED_TIER))
        self.accept_button = QPushButton(_("Make it a checkpoint"))
        accept.addWidget(self.tier_box)
        accept.addWidget(self.accept_button)
        layout.addLayout(accept)

        self.radius_box.valueChanged.connect(lambda _v: self._options_changed())
        self.along_roads_box.toggled.connect(lambda _v: self._options_changed())
        for box in self.weight_boxes.values():
            box.valueChanged.connect(lambda _v: self._options_changed())
        self.show_gaps_box.toggled.connect(self._show_gaps)
        self.suggest_button.clicked.connect(self.suggest)
        self.cancel_button.clicked.connect(self.cancel)
        self.place_button.toggled.connect(self._set_placing)
        self.clear_button.clicked.connect(self.clear_plan)
        self.accept_button.clicked.connect(self.accept_selected)

    # -- the plan in the MapState ----------------------------------------------------------

    def planning(self) -> Planning:
        """The plan shown: the state's, with the panel's options."""
        current = self.session.state.planning
        return Planning(
            radius_m=float(self.radius_box.value()),
            along_roads=self.along_roads_box.isChecked(),
            weights=tuple((c, float(b.value())) for c, b in self.weight_boxes.items()),
            show_gaps=self.show_gaps_box.isChecked(),
            proposed=current.proposed if current else (),
            what_if=current.what_if if current else (),
        )

    def _publish(self, **changes) -> None:
        planning = self.planning()
        if changes:
            import dataclasses

            planning = dataclasses.replace(planning, **changes)
        self.session.update_state(planning=planning)

    def _options_changed(self) -> None:
        if self.session.state.planning is not None:
            self._publish()
        else:
            self.refresh()

    def _show_gaps(self, on: bool) -> None:
        self._publish(show_gaps=on)

    def clear_plan(self) -> None:
        """Take the plan off the map: no proposals, no what-ifs, no gaps."""
        self.place_button.setChecked(False)
        self.show_gaps_box.blockSignals(True)
        self.show_gaps_box.setChecked(False)
        self.show_gaps_box.blockSignals(False)
        self.session.update_state(planning=None)

    # -- figures ---------------------------------------------------------------------------

    def refresh(self) -> None:
        """Compute the coverage of the plan shown and put the figures in the panel."""
        self._stale = False
        self._sync_controls()
        planning = self.planning()
        try:
            context = context_for(self.session.dataset, planning, self.session.as_of, self._memo)
        except (PlanningError, ValueError) as exc:
            self.report = self.base_report = self.figures = None
            self.figures_label.setText(error_text(exc))
            self.village_table.setRowCount(0)
            self.sites_table.setRowCount(0)
            self.figures_changed.emit()
            return
        sites = planning.proposed + planning.what_if
        extra = [Site(f"#{n}", s.longitude, s.latitude) for n, s in enumerate(sites)]
        self.base_report = context.coverage()
        self.report = context.coverage(extra)
        before, after = self.base_report, self.report
        self.figures = coverage_figures(before, after, len(planning.proposed), len(planning.what_if))
        lines = [existing_text(self.figures)]
        if self.figures.has_plan:  # a proposal is not a checkpoint yet: its cover is said apart
            lines.append(planned_text(self.figures))
        far = len(after.households_far)
        lines.append(
            _("Households farther than {distance:g} m from a disinfection point: {count}").format(
                distance=context.options.household_distance_m, count=far
            )
        )
        self.figures_label.setText("\n".join(lines))
        self._fill_villages(before, after)
        self._fill_sites(sites, extra, before, after)
        self.figures_changed.emit()

    def _sync_controls(self) -> None:
        """Show the options of a plan that came from elsewhere (a loaded view preset)."""
        planning = self.session.state.planning
        if planning is None:
            return
        options = options_of(planning)
        widgets = [self.radius_box, self.along_roads_box, self.show_gaps_box, *self.weight_boxes.values()]
        for widget in widgets:
            widget.blockSignals(True)
        self.radius_box.setValue(int(round(planning.radius_m)))
        self.along_roads_box.setChecked(planning.along_roads)
        self.show_gaps_box.setChecked(planning.show_gaps)
        for road_class, box in self.weight_boxes.items():
            box.setValue(options.weight_of(road_class))
        for widget in widgets:
            widget.blockSignals(False)

    def _fill_villages(self, before, after) -> None:
        table = self.village_table
        table.setRowCount(len(before.villages))
        for row, (b, a) in enumerate(zip(before.villages.itertuples(), after.villages.itertuples(), strict=False)):
            cells = (
                text_of(b.name),
                str(int(b.entries)),
                f"{float(b.share) * 100:.0f} %",
                f"{float(a.share) * 100:.0f} %",
            )
            for column, text in enumerate(cells):
                table.setItem(row, column, _item(text, numeric=column > 0))

    def _fill_sites(self, sites, extra, before, after) -> None:
        uncovered = set(before.uncovered["id"])
        weights = dict(zip(after.entries["id"], after.entries["weight"], strict=False))
        names = dict(zip(self.session.dataset.villages["code"], self.session.dataset.villages["name"], strict=False))
        context = self._memo.planning_context
        table = self.sites_table
        table.setRowCount(len(sites))
        for row, (site, key) in enumerate(zip(sites, extra, strict=False)):
            new = [e for e in after.by_site.get(key.key, ()) if e in uncovered]
            village = context.village_of(site.longitude, site.latitude) if context else ""
            gain = sum(float(weights[e]) for e in new)
            cells = (text_of(site.label), text_of(names.get(village, village)), f"{gain:g}", ", ".join(new))
            for column, text in enumerate(cells):
                table.setItem(row, column, _item(text, numeric=column == 2))

    # -- what-if ---------------------------------------------------------------------------

    def _set_placing(self, on: bool) -> None:
        self.placing = on
        self.status_label.setText(_("Click on the map to drop a what-if checkpoint") if on else "")

    def on_map_click(self, longitude: float, latitude: float) -> None:
        if self.placing:
            self.add_what_if(longitude, latitude)

    def add_what_if(self, longitude: float, latitude: float) -> None:
        """A what-if checkpoint here: the map and the figures show what it would cover."""
        current = self.session.state.planning
        what_if = current.what_if if current else ()
        label = f"W{len(what_if) + 1}"
        self._publish(what_if=what_if + (PlannedSite(longitude, latitude, label),))

    # -- accepting -------------------------------------------------------------------------

    def accept_selected(self) -> bool:
        """Make the selected proposal or what-if a real checkpoint (saved, undoable)."""
        rows = self.sites_table.selectionModel().selectedRows()
        planning = self.session.state.planning
        if not rows or planning is None:
            self.status_label.setText(_("Select a proposed or what-if site first"))
            return False
        return self.accept_site(rows[0].row())

    def accept_site(self, index: int) -> bool:
        planning = self.session.state.planning
        sites = planning.proposed + planning.what_if
        site = sites[index]
        dataset = self.session.dataset
        context = context_for(dataset, self.planning(), self.session.as_of, self._memo)
        village = context.village_of(site.longitude, site.latitude)
        village_name = context.village_names.get(village, village)
        record = {
            "id": next_free_id(dataset.checkpoints["id"], "CP", 2),
            "name": f"{village_name}新增卡点（{site.label}）",
            "tier": self.tier_box.currentData(),
            "village": village,
            "status": "active",
            "staffed_24h": True,
            "opened": self.session.as_of.date(),
            "geometry": Point(site.longitude, site.latitude),
        }
        try:
            edit = add_feature(dataset, "checkpoints", record)
        except EditError as exc:
            self.status_label.setText(error_text(exc))
            return False
        if not self.session.edit(edit, edit_text("add", "checkpoints", record["id"])):
            return False
        # The site is now a checkpoint: it leaves the plan.
        self._publish(
            proposed=tuple(s for s in planning.proposed if s is not site),
            what_if=tuple(s for s in planning.what_if if s is not site),
        )
        self.status_label.setText(_("Checkpoint {id} added").format(id=record["id"]))
        return True

    def _on_dataset_changed(self, _changed) -> None:
        self._memo = DerivedCache()  # the checkpoints changed: coverage must be counted again
        self._changed()

    def _changed(self) -> None:
        # A hidden panel counts nothing: the date bar and filters change the state often.
        if self._shown():
            self.refresh()
        else:
            self._stale = True

    def showEvent(self, event):  # noqa: N802 (Qt name)
        super().showEvent(event)
        if self._stale:
            # Counted after the show, and only if the panel is still shown then: the window's
            # first show passes through every tabbed dock before it hides those behind a tab,
            # and coverage of a million households took 2 s before the map could draw.
            self.refresh_soon()

    def refresh_soon(self) -> None:
        """Count the figures once the window has laid itself out, if the panel can be seen."""
        QTimer.singleShot(0, self._refresh_if_shown)

    def _refresh_if_shown(self) -> None:
        if self._stale and self._shown():
            self.refresh()

    def _shown(self) -> bool:
        # A dock behind another's tab stays "visible" to Qt, moved out of the window: only
        # what can be seen counts.
        return self.isVisible() and not self.visibleRegion().isEmpty()

    # -- siting in the background ----------------------------------------------------------

    def suggest(self) -> None:
        """Start a siting run in the background (the panel shows its progress)."""
        if self._job is not None:
            return
        current = self.session.state.planning
        user_sites = tuple(Site(s.label, s.longitude, s.latitude) for s in (current.what_if if current else ()))
        dataset, planning, as_of = self.session.dataset, self.planning(), self.session.as_of
        k, lscp = self.k_box.value(), self.lscp_box.isChecked()

        def work(feedback):
            feedback.report(0.0, "coverage before")
            context = context_for(dataset, planning, as_of)
            return suggest_sites(context, k, lscp=lscp, user_sites=user_sites, feedback=feedback)

        job = BackgroundJob(work, name="siting", owner=self)
        job.progress.connect(lambda f, m, j=job: self._on_progress(j, f, m))
        job.finished.connect(lambda result, j=job: self._on_result(j, result))
        job.failed.connect(lambda exc, j=job: self._on_failed(j, exc))
        job.ended.connect(lambda j=job: self._forget(j))
        self._runs.append(job)
        self._job = job
        self.suggest_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.progress_bar.setValue(0)
        self.progress_bar.setVisible(True)
        self.status_label.setText(_("Looking for the best sites…"))
        job.start()

    def cancel(self) -> None:
        """Stop the running siting. The solver step cannot be interrupted: its answer, when it
        comes, is dropped, and the panel is free at once."""
        if self._job is not None:
            self._job.cancel()
            self._finish(self._job, _("Cancelled"))

    def _on_progress(self, job, fraction: float, message: str) -> None:
        if job is self._job:
            self.progress_bar.setValue(int(fraction * 100))
            self.status_label.setText(step_text(message))

    def _on_result(self, job, result) -> None:
        if job is not self._job:
            return
        proposed = tuple(PlannedSite(p.longitude, p.latitude, p.key, p.gain) for p in result.proposals)
        notes = "; ".join(note_text(note) for note in result.notes)
        self._finish(job, _("{count} sites proposed").format(count=len(proposed)) + (f" ({notes})" if notes else ""))
        self._publish(proposed=proposed, show_gaps=True)

    def _on_failed(self, job, exc: Exception) -> None:
        # A PlanningError says what to change; the solver finding no answer is a RuntimeError.
        self._finish(job, _("Cancelled") if isinstance(exc, Cancelled) else error_text(exc))

    def _finish(self, job, message: str) -> None:
        if job is not self._job:
            return
        self._job = None
        self.suggest_button.setEnabled(True)
        self.cancel_button.setEnabled(False)
        self.progress_bar.setVisible(False)
        self.status_label.setText(message)

    def _forget(self, job) -> None:
        self._runs = [j for j in self._runs if j is not job]

    def wait_for_runs(self, milliseconds: int = 60_000) -> None:
        """Let running solves end (before the application quits: a running thread must not
        be destroyed)."""
        for job in list(self._runs):
            job.wait(milliseconds)


def _table(headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().setVisible(False)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    return table


def _item(text: str, numeric: bool = False) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    if numeric:
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item


def install(window) -> PlanningPanel:
    """The planning panel as a dock (View menu), wired to the map's clicks; the window keeps it."""
    panel = PlanningPanel(window.session)
    # Scrolled: the panel's full width must never squeeze the map out of a small window.
    scroll = QScrollArea()
    scroll.setWidget(panel)
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QScrollArea.Shape.NoFrame)
    dock = window.add_tool_dock("planning", _("Checkpoint planning"), scroll, Qt.DockWidgetArea.RightDockWidgetArea)
    window.map_view.map_clicked.connect(
        lambda lng, lat: panel.on_map_click(lng, lat) if not window.adding_layer else None
    )
    # A tab beside the details: hidden at start, so opening the window costs nothing more.
    window.tabifyDockWidget(window.docks["details"], dock)
    # Its tab chosen shows a panel Qt held "visible" all along: no showEvent, so counted here.
    dock.visibilityChanged.connect(lambda visible: panel.refresh_soon() if visible else None)
    window.docks["details"].raise_()
    from PyQt6.QtWidgets import QApplication

    QApplication.instance().aboutToQuit.connect(panel.wait_for_runs)
    # Esc leaves what-if mode wherever the focus is (the map page keeps key presses to itself);
    # enabled only while placing, so Esc still cancels the window's own "add feature" mode.
    leave = QShortcut(QKeySequence(Qt.Key.Key_Escape), window)
    leave.setContext(Qt.ShortcutContext.WindowShortcut)
    leave.setEnabled(False)
    leave.activated.connect(lambda: panel.place_button.setChecked(False))
    panel.place_button.toggled.connect(leave.setEnabled)
    return panel
