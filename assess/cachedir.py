"""Where assess keeps its caches: the user's own cache folder, or none.

``ASSESS_CACHE_DIR`` names the folder (every cache in it, told apart by their files' names);
set to an empty value, it turns every cache off. Otherwise each cache has its own folder
under ``$XDG_CACHE_HOME/assess`` (``~/.cache/assess``), named after its entries' format, so a
version of assess that stores entries another way uses another folder.
"""

from __future__ import annotations

import os
from pathlib import Path


def cache_dir(name: str) -> Path | None:
    """The folder of the cache `name` (e.g. ``packs-2``), or None when caching is turned off."""
    configured = os.environ.get("ASSESS_CACHE_DIR")
    if configured == "":
        return None
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "assess" / name
