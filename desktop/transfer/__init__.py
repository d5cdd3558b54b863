"""Import and export of layers: the dialogs behind File → Import and File → Export."""
