"""The application object: Qt's own dialog words follow the window's language."""

from PyQt6.QtCore import QCoreApplication

from desktop.app import install_qt_translations
from layers import i18n


def test_qt_buttons_speak_the_window_language(qapp, language):
    try:
        translator = install_qt_translations(qapp)
        cancel = QCoreApplication.translate("QPlatformTheme", "Cancel")
        assert cancel == ("取消" if language == "zh" else "Cancel")
        assert (translator is not None) == (language == "zh")
    finally:
        i18n.set_language("en")
        install_qt_translations(qapp)
