"""Placeholder: this module's verbs are being built in their issue."""


def register(verbs, data_option) -> None:
    pass
