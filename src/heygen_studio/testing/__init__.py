"""A local HeyGen for tests: ``MockHeyGen`` serves the video workflow (v2 and v3) on loopback.

Run it on its own with ``python -m heygen_studio.testing --port 8000``.
"""

from heygen_studio.testing._server import MockHeyGen, RecordedRequest

__all__ = ["MockHeyGen", "RecordedRequest"]
