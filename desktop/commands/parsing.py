"""The command line's parser in one language: which language, and argparse's own words in it.

The language is known before the arguments are parsed (a usage error is said in it too):
``--lang`` wherever it is given (the verb's wins), else the locale when it names a language,
else the verb's own default (the documents, ``map``, ``brief``, ``plan`` and ``trend``, are
Chinese; the rest English). argparse words its usage and errors through gettext's
``gettext``; :func:`speak_argparse_in_our_language` hands those words to the project's catalogs.
"""

from __future__ import annotations

import argparse
import os

from geodata.messages import N_

LANGUAGES = ("zh", "en")
# Verbs whose output is a document for the township: Chinese unless told otherwise.
CHINESE_BY_DEFAULT = frozenset({"map", "brief", "plan", "trend"})

# argparse's own words that a user of this program can see (Python 3.11's argparse.py).
ARGPARSE_WORDS = (
    N_("usage: "),
    N_("positional arguments"),
    N_("options"),
    N_("show this help message and exit"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("unrecognized arguments: %s"),
    N_("the following arguments are required: %s"),
    N_("one of the arguments %s is required"),
    N_("not allowed with argument %s"),
    N_("ignored explicit argument %r"),
    N_("expected one argument"),
    N_("expected at most one argument"),
    N_("expected at least one argument"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
    N_("invalid %(type)s value: %(value)r"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("%(prog)s: error: %(message)s\n"),
    N_("unknown parser %(parser_name)r (choices: %(choices)s)"),
    N_("can't open '%(filename)s': %(error)s"),
)


def chosen_language(argv: list[str]) -> str:
    """The language of a run with ``argv``: "zh" or "en"."""
    from layers.i18n import normalise

    given = None
    verb = None
    for index, word in enumerate(argv):
        if word == "--":
            break
        if word == "--lang" and index + 1 < len(argv):
            given = argv[index + 1] if argv[index + 1] in LANGUAGES else given
        elif word.startswith("--lang="):
            given = word.partition("=")[2] if word.partition("=")[2] in LANGUAGES else given
        elif verb is None and not word.startswith("-") and (index == 0 or argv[index - 1] != "--data"):
            verb = word
    if given:
        return normalise(given)
    named = locale_language()
    if named is not None:
        return named
    return "zh" if verb in CHINESE_BY_DEFAULT else "en"


def locale_language(environ=os.environ) -> str | None:
    """The language the locale names ("zh" or "en"), or None when it names none (C, POSIX)."""
    from layers.i18n import normalise

    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name, "").split(":")[0]
        if value:
            base = value.split(".")[0]
            return None if base in ("C", "POSIX") else normalise(base)
    return None


def verb_language(args) -> str:
    """The language a verb speaks: its --lang (or the one before the verb), else as
    :func:`chosen_language` decided before parsing."""
    from layers.i18n import language

    return getattr(args, "lang", None) or language()


def speak_argparse_in_our_language() -> None:
    """argparse's usage, help headings and error words through the project's catalogs, in
    the language in use when they are written."""
    from layers import i18n

    argparse._ = lambda message: i18n._(message)  # type: ignore[attr-defined]
    argparse.ngettext = lambda singular, plural, n: i18n.ngettext(singular, plural, n)  # type: ignore[attr-defined]


class VerbParser(argparse.ArgumentParser):
    """A verb's parser: an option it does not know is its own error, shown with its own usage
    (argparse leaves it to the top-level parser, whose usage lists the window's options)."""

    def parse_known_args(self, args=None, namespace=None):  # type: ignore[override]
        namespace, extras = super().parse_known_args(args, namespace)
        if extras:
            self.error(argparse._("unrecognized arguments: %s") % " ".join(extras))  # type: ignore[attr-defined]
        return namespace, extras
