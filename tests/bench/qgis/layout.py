"""QGIS prints a one-page map layout, or an atlas of one page per village, to PDF: the anchor of
``situation-map brief`` (summary) and ``brief --atlas``.

Run with the system Python that has PyQGIS: python3 layout.py DATA.gpkg OUT.pdf [--atlas]

The layout is what a QGIS user would script for a briefing: an A4 page with a title, the map
of every layer, its legend and a scale bar; the atlas turns the page once per village.
"""

import sys

from qgis.core import (
    QgsApplication,
    QgsLayoutExporter,
    QgsLayoutItemLabel,
    QgsLayoutItemLegend,
    QgsLayoutItemMap,
    QgsLayoutItemScaleBar,
    QgsLayoutPoint,
    QgsLayoutSize,
    QgsPrintLayout,
    QgsProject,
    QgsUnitTypes,
    QgsVectorLayer,
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


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2], "--atlas" in sys.argv[3:]))
