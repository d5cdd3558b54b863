"""The workbench: the main window, its session, the map view and the panels around it."""
