"""A local HeyGen for tests: ``MockHeyGen`` serves ``POST /v2/video/generate`` on loopback.

Run it on its own with ``python -m heygen_studio.testing --port 8000``.
"""

from heygen_studio.testing._server import MockHeyGen, RecordedRequest

__all__ = ["MockHeyGen", "RecordedRequest"]
