"""Placeholder: this tool is being built in its issue."""


def install(window) -> None:
    pass
