"""The command line's verbs (``check``, ``sample``, ``map``, ``brief``, ``plan``, ``import``,
``export``, ``db``), one module per job, and what they share with the window's launcher
(:mod:`desktop.commands.common`)."""
