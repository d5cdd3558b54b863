"""The names of the three import modes, apart from the modes' code: the command line lists
them in its help without importing the import pipeline (and GeoPandas with it)."""

MODES = ("append", "update", "replace")
