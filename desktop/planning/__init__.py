"""Checkpoint planning in the window: the panel and the worker that runs the siting model."""
