"""Bundle the top-level rules/ and schemas/ folders into built wheels as assess/_data/.

A source checkout (and an editable install) reads them in place; see assess/resources.py.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


class BuildWithData(build_py):
    def run(self) -> None:
        super().run()
        root = Path(__file__).parent
        target = Path(self.build_lib) / "assess" / "_data"
        for name in ("rules", "schemas"):
            shutil.copytree(root / name, target / name, dirs_exist_ok=True)


setup(cmdclass={"build_py": BuildWithData})
