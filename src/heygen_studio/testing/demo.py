"""``nox -s demo``: the README's example, run against a local MockHeyGen (no account, no network).

Run it with ``python -m heygen_studio.testing.demo``. It starts the server on
loopback, points ``HEYGEN_API_KEY`` and ``HEYGEN_BASE_URL`` at it, creates a video
through the public API exactly as the README does, and prints the request the
server received and the video id it answered with.
"""

from __future__ import annotations

import json
import os
import sys

from heygen_studio import AvatarCharacter, ColorBackground, Dimension, HeyGen, TextVoice, VideoInput
from heygen_studio.testing import MockHeyGen


def main() -> int:
    """Run the demo; returns the exit code."""
    with MockHeyGen() as server:
        os.environ["HEYGEN_API_KEY"] = server.api_key
        os.environ["HEYGEN_BASE_URL"] = server.base_url
        print(f"MockHeyGen listening on {server.base_url}")

        # The README's example, unchanged.
        client = HeyGen()  # reads HEYGEN_API_KEY
        video = client.videos.generate(
            video_inputs=[
                VideoInput(
                    character=AvatarCharacter(avatar_id="Daisy-inskirt-20220818"),
                    voice=TextVoice(voice_id="2d5b0e6cf36f460aa7fc47e3eee4ba54", input_text="Welcome!"),
                    background=ColorBackground(value="#FAFAFA"),
                )
            ],
            dimension=Dimension(width=1280, height=720),
        )
        client.close()

        sent = server.requests[-1]
        print(f"\nrequest sent: {sent.method} {sent.path}")
        for name in ("content-type", "x-api-key", "user-agent"):
            value = sent.headers[name]
            print(f"  {name}: {'*' * 8 if name == 'x-api-key' else value}")
        print(json.dumps(sent.json(), indent=2))
        print(f"\nvideo_id: {video.video_id}  (retries taken: {video.retries_taken})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
