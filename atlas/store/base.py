"""What every store reports about its content: the manifest and its content hash."""

from __future__ import annotations

from collections.abc import Mapping


class ManifestMixin:
    """The ``manifest`` and ``content_hash`` properties, read from ``self._manifest``.

    A store sets ``self._manifest`` (a dict, empty before anything is built)
    and replaces it after each write.

    Examples
    --------
    >>> class S(ManifestMixin):
    ...     _manifest = {"content_hash": "abc"}
    >>> S().content_hash
    'abc'
    """

    _manifest: dict

    @property
    def manifest(self) -> Mapping:
        """The manifest of the content built (source files, hashes, ids); empty before a build."""
        return self._manifest

    @property
    def content_hash(self) -> str:
        """A hash of the content built, changed by every write ("" before a build)."""
        return str(self._manifest.get("content_hash", ""))
