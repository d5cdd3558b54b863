"""A deferred module is imported when first used, and is then the module itself."""

from __future__ import annotations

import subprocess
import sys

SCRIPT = """
import sys
from layers.deferred_imports import defer
defer("wave")
defer("no_such_module_here")
import wave
print("no_such_module_here" in sys.modules, "Wave_read" in vars(wave))
print(wave.Wave_read.__name__, "Wave_read" in vars(wave), sys.modules["wave"].Wave_read is wave.Wave_read)
"""


def test_a_deferred_module_loads_on_first_use():
    done = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "False", "Wave_read", "True", "True"]
