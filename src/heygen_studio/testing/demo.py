"""``nox -s demo``: the README's first example, run against a local MockHeyGen (no account, no network).

Run it with ``python -m heygen_studio.testing.demo``. It starts the server on
loopback with a render of ``RENDER_SECONDS``, points ``HEYGEN_API_KEY`` and
``HEYGEN_BASE_URL`` at it, shows the INFO records of the ``heygen_studio``
logger (each status change ``wait`` sees), and runs the README's example as
written: create a video on v3, wait for it, print its download URL.

``wait`` polls 2 s apart, then 3 s, so a 4-second render is seen ``waiting``
(at once), ``processing`` (2 s) and ``completed`` (5 s): the demo takes about
five seconds of real time. ``tests/test_demo.py`` checks that the lines between
the markers below are the README's block, character for character.
"""

from __future__ import annotations

import logging
import os
import sys

from heygen_studio.testing import MockHeyGen

#: Long enough for ``wait``'s first two polls (at 0 s and 2 s) to see ``waiting`` and ``processing``.
RENDER_SECONDS = 4.0


def main(*, render_seconds: float = RENDER_SECONDS) -> int:
    """Run the demo; returns the exit code.

    Args:
        render_seconds: How long MockHeyGen's render takes, in real seconds (0 completes it at the first poll).
    """
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(logging.Formatter("  [%(name)s] %(message)s"))
    logger = logging.getLogger("heygen_studio")
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        with MockHeyGen(render_seconds=render_seconds) as server:
            os.environ["HEYGEN_API_KEY"] = server.api_key
            os.environ["HEYGEN_BASE_URL"] = server.base_url
            print(f"MockHeyGen listening on {server.base_url} (renders take {render_seconds:g} s)")
            _readme_example()
            print(f"requests the server saw: {', '.join(f'{r.method} {r.path}' for r in server.requests)}")
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    return 0


def _readme_example() -> None:
    # fmt: off
    # -- the README's example --
    from heygen_studio import HeyGen

    client = HeyGen()  # reads HEYGEN_API_KEY (and HEYGEN_BASE_URL, default https://api.heygen.com)
    created = client.videos.create(type="avatar", avatar_id="Daisy-inskirt-20220818",
                                   script="Welcome!", voice_id="2d5b0e6cf36f460aa7fc47e3eee4ba54")
    video = client.videos.wait(created.video_id)  # polls until completed; VideoFailedError / WaitTimeoutError
    print(video.video_url)
    # -- end of the README's example --
    # fmt: on
    client.close()


if __name__ == "__main__":
    sys.exit(main())
