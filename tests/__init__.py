"""The test suite.

Bytecode caches are written even where the environment says not to
(``PYTHONDONTWRITEBYTECODE``): the suite imports the whole bot in every worker and in about 25
child processes (``python -m bot`` under test), and each would otherwise compile every module
from source again (about half a second of CPU each). They go to ``__pycache__`` (git-ignored).
This package is imported before any conftest, so the flag holds for everything the tests import.
"""

import os
import sys

sys.dont_write_bytecode = False
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)  # the workers and the bots the tests start
