"""QGIS draws a GeoPackage's map layers into a PNG: the anchor of "file to drawn map".

Run with the system Python that has PyQGIS: python3 draw.py DATA.gpkg OUT.png
"""

import sys

from qgis.core import QgsApplication, QgsMapRendererParallelJob, QgsMapSettings, QgsVectorLayer
from qgis.PyQt.QtCore import QSize

LAYERS = ("villages", "roads", "disinfection_points", "checkpoints", "households")  # bottom to top


def main(data: str, out: str) -> int:
    app = QgsApplication([], False)
    app.initQgis()
    layers = [QgsVectorLayer(f"{data}|layername={name}", name, "ogr") for name in LAYERS]
    layers = [layer for layer in layers if layer.isValid()]
    settings = QgsMapSettings()
    settings.setLayers(list(reversed(layers)))  # QGIS lists the top layer first
    settings.setDestinationCrs(layers[0].crs())
    settings.setOutputSize(QSize(1600, 1000))
    settings.setExtent(layers[0].extent())
    job = QgsMapRendererParallelJob(settings)
    job.start()
    job.waitForFinished()
    job.renderedImage().save(out)
    app.exitQgis()
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
