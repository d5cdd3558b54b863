"""The workbench: the main window, its session, and the panels and forms around the map."""
