"""Load a package folder under a module name of our choice.

Both examples are packages called ``linkbox``; loading them as ``linkbox_flask`` and
``linkbox_quart`` (their imports are relative) lets one process hold the original and the port.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType


def load_package(name: str, folder: Path) -> ModuleType:
    """Import ``folder/__init__.py`` as the package ``name`` (once; later calls reuse it)."""
    loaded = sys.modules.get(name)
    if loaded is not None:
        if Path(loaded.__file__ or "").parent.resolve() != folder.resolve():
            raise ValueError(f"{name} is already loaded from another folder: {loaded.__file__}")
        return loaded
    spec = importlib.util.spec_from_file_location(
        name, folder / "__init__.py", submodule_search_locations=[str(folder)]
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module
