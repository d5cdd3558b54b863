"""Start the application as `situation-map --data PATH` does, print "drawn" when the map has
painted, and quit: the start-up benchmark times this process from outside.

Run: python -m tests.bench.start_probe PATH.gpkg
"""

import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main(path: str) -> int:
    from desktop.launch import prepare_webengine

    prepare_webengine()
    import PyQt6.QtWebEngineWidgets  # noqa: F401

    from desktop.app import create_application, open_window

    app = create_application()
    window = open_window(path)

    def report(_summary):
        print("drawn", flush=True)
        app.quit()

    window.map_view.drawn.connect(report)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
