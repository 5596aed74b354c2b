"""The version of a library installed beside assess (durable_rules), read without importlib.metadata.

``importlib.metadata.version`` scans every folder on ``sys.path`` and parses the
distribution's METADATA file with the email package (imported for it): a few
milliseconds of every cold run that names its engine, up to 50 ms when the disk
cache is cold (issue 15). An installer names a distribution's metadata folder
``{name}-{version}.dist-info`` (the wheel and PEP 376 layout) and puts it beside the
modules it installs: listing the folder that holds the module gives the version at
the cost of one directory read, and nothing is cached, so an upgraded library is
never reported at its old version. Anything else (an egg, a development install,
two candidate folders) takes importlib.metadata's answer.
"""

from __future__ import annotations

import importlib.util
import os
import re

__all__ = ["installed_version"]


def _normalized(name: str) -> str:
    """A distribution name as its dist-info folder spells it (PEP 503, with ``_`` for runs of ``-_.``)."""
    return re.sub(r"[-_.]+", "_", name).lower()


def installed_version(distribution: str, module: str) -> str | None:
    """The installed version of `distribution`, which provides the top-level `module`, or None when it is
    not installed. The module is found, not imported."""
    try:
        spec = importlib.util.find_spec(module)
    except (ImportError, ValueError):
        spec = None
    if spec is not None and spec.origin is not None and spec.has_location:
        folder = os.path.dirname(spec.origin)
        if spec.submodule_search_locations is not None:  # a package: its metadata is beside its folder
            folder = os.path.dirname(folder)
        version = version_beside(folder, distribution)
        if version is not None:
            return version
    return _metadata_version(distribution)


def version_beside(folder: str | os.PathLike[str], distribution: str) -> str | None:
    """The version in the name of the one ``{distribution}-{version}.dist-info`` folder in `folder`, or None
    when there is none, or more than one (importlib.metadata then decides)."""
    wanted = _normalized(distribution)
    versions = []
    try:
        names = os.listdir(folder)
    except OSError:
        return None
    for entry in names:
        # The first letter first: normalising a name cannot change it, and most folders fail there.
        if entry.endswith(".dist-info") and entry[:1].lower() == wanted[:1]:
            name, _, version = entry.removesuffix(".dist-info").partition("-")  # "-" is escaped in both parts
            if _normalized(name) == wanted:
                versions.append(version)
    if len(versions) != 1 or not versions[0] or "-" in versions[0]:
        return None
    return versions[0]


def _metadata_version(distribution: str) -> str | None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(distribution)
    except PackageNotFoundError:
        return None
