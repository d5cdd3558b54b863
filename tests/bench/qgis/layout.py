"""QGIS prints a one-page map layout, or an atlas of one page per village, to PDF: the anchor of
``situation-map brief`` (summary) and ``brief --atlas``.

Run with the system Python that has PyQGIS: python3 layout.py DATA.gpkg OUT.pdf [--atlas]

The layout is what a QGIS user would script for the same briefing: the summary page with a
title, the map of every layer (checkpoints by tier, households by status, villages labelled),
its legend, a scale bar and the table of villages, then a page of the checkpoints' table; the
atlas turns the map page once per village.
"""

import sys

from qgis.core import (
    QgsApplication,
    QgsCategorizedSymbolRenderer,
    QgsLayoutExporter,
    QgsLayoutFrame,
    QgsLayoutItemAttributeTable,
    QgsLayoutItemLabel,
    QgsLayoutItemLegend,
    QgsLayoutItemMap,
    QgsLayoutItemScaleBar,
    QgsLayoutMultiFrame,
    QgsLayoutPoint,
    QgsLayoutSize,
    QgsPalLayerSettings,
    QgsPrintLayout,
    QgsProject,
    QgsRendererCategory,
    QgsSymbol,
    QgsUnitTypes,
    QgsVectorLayer,
    QgsVectorLayerSimpleLabeling,
)

LAYERS = ("villages", "roads", "disinfection_points", "checkpoints", "households")  # bottom to top
MM = QgsUnitTypes.LayoutMillimeters


def main(data: str, out: str, atlas: bool) -> int:
    app = QgsApplication([], False)
    app.initQgis()
    project = QgsProject.instance()
    layers = [QgsVectorLayer(f"{data}|layername={name}", name, "ogr") for name in LAYERS]
    layers = [layer for layer in layers if layer.isValid()]
    for layer in layers:
        project.addMapLayer(layer)
    villages = layers[0]
    for layer in layers:
        _style(layer)

    layout = QgsPrintLayout(project)
    layout.initializeDefaults()  # one A4 page
    title = QgsLayoutItemLabel(layout)
    title.setText('[% "name" %]' if atlas else "Situation briefing")
    title.attemptMove(QgsLayoutPoint(14, 10, MM))
    title.attemptResize(QgsLayoutSize(180, 10, MM))
    layout.addLayoutItem(title)
    page_map = QgsLayoutItemMap(layout)
    page_map.attemptMove(QgsLayoutPoint(14, 24, MM))
    page_map.attemptResize(QgsLayoutSize(130, 170, MM))
    page_map.setLayers(list(reversed(layers)))
    page_map.setExtent(villages.extent())
    layout.addLayoutItem(page_map)
    legend = QgsLayoutItemLegend(layout)
    legend.setLinkedMap(page_map)
    legend.attemptMove(QgsLayoutPoint(148, 24, MM))
    layout.addLayoutItem(legend)
    scale = QgsLayoutItemScaleBar(layout)
    scale.setLinkedMap(page_map)
    scale.applyDefaultSize()
    scale.attemptMove(QgsLayoutPoint(14, 196, MM))
    layout.addLayoutItem(scale)

    if not atlas:
        _table(layout, villages, 0, QgsLayoutPoint(14, 210, MM), QgsLayoutSize(182, 70, MM))
        checkpoints = next(layer for layer in layers if layer.name() == "checkpoints")
        _second_page(layout)
        _table(layout, checkpoints, 1, QgsLayoutPoint(14, 20, MM), QgsLayoutSize(182, 250, MM))

    if atlas:
        layout.atlas().setCoverageLayer(villages)
        layout.atlas().setEnabled(True)
        page_map.setAtlasDriven(True)
        page_map.setAtlasScalingMode(QgsLayoutItemMap.Auto)
        result, _error = QgsLayoutExporter.exportToPdf(layout.atlas(), out, QgsLayoutExporter.PdfExportSettings())
    else:
        result = QgsLayoutExporter(layout).exportToPdf(out, QgsLayoutExporter.PdfExportSettings())
    app.exitQgis()
    return 0 if result == QgsLayoutExporter.Success else 1


def _style(layer: QgsVectorLayer) -> None:
    """Categories as the briefing draws them: checkpoints by tier, households by status;
    village names as labels."""
    field = {"checkpoints": "tier", "households": "status"}.get(layer.name())
    if field:
        categories = []
        for value in sorted({str(v) for v in layer.uniqueValues(layer.fields().indexOf(field))}):
            symbol = QgsSymbol.defaultSymbol(layer.geometryType())
            categories.append(QgsRendererCategory(value, symbol, value))
        layer.setRenderer(QgsCategorizedSymbolRenderer(field, categories))
    if layer.name() == "villages":
        labels = QgsPalLayerSettings()
        labels.fieldName = "name"
        layer.setLabeling(QgsVectorLayerSimpleLabeling(labels))
        layer.setLabelsEnabled(True)


def _second_page(layout: QgsPrintLayout) -> None:
    from qgis.core import QgsLayoutItemPage

    page = QgsLayoutItemPage(layout)
    page.setPageSize("A4")
    layout.pageCollection().addPage(page)


def _table(layout, layer, page_number, position, size) -> None:
    table = QgsLayoutItemAttributeTable.create(layout)
    table.setVectorLayer(layer)
    table.setMaximumNumberOfFeatures(1000)
    frame = QgsLayoutFrame(layout, table)
    frame.attemptResize(size)
    frame.attemptMove(position, page=page_number)
    table.addFrame(frame)
    table.setResizeMode(QgsLayoutMultiFrame.UseExistingFrames)
    layout.addMultiFrame(table)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2], "--atlas" in sys.argv[3:]))
