"""The data of the situation map: schema, stores, validation, coordinates and the sample.

Nothing here imports Qt or Folium, so it serves the window, the command line and tests alike.
"""

__version__ = "0.1.0"
