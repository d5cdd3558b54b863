"""The daily briefing (简报): what it says, how it is laid out, and the document printed.

- :mod:`layers.briefing.options`: paper, orientation, atlas, language (light to import, so
  the command can start Qt before the data libraries load);
- :mod:`layers.briefing.content`: the words and figures, from :mod:`layers.statistics`;
- :mod:`layers.briefing.document`: the HTML document with the same Leaflet map as the screen.

No Qt here: :mod:`desktop.briefing.briefing_printer` prints the document with Qt WebEngine.
"""
