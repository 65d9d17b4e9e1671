"""The public surface of heygen_studio: exactly these names, sorted, each importable, each loaded when first used."""

from __future__ import annotations

import json
import subprocess
import sys
import types

import heygen_studio_api.models
import heygen_studio_api.params
import heygen_studio_api.types
import pytest

import heygen_studio

EXPECTED = [
    "DEFAULT_READ_TIMEOUT",
    "DEFAULT_TIMEOUT",
    "UNSET",
    "APIConnectionError",
    "APIResponse",
    "APIResponseValidationError",
    "APIStatusError",
    "AsyncHeyGen",
    "AudioVoice",
    "AudioVoiceParams",
    "AuthenticationError",
    "AvatarCharacter",
    "AvatarCharacterParams",
    "BadRequestError",
    "ColorBackground",
    "ColorBackgroundParams",
    "ConfigurationError",
    "ConflictError",
    "CreateVideoData",
    "CreateVideoParams",
    "CreateVideoRequest",
    "CreateVideoResponse",
    "CreatedVideo",
    "Dimension",
    "DimensionParams",
    "ElevenLabsSettings",
    "ElevenLabsSettingsParams",
    "ErrorDetail",
    "ErrorResponse",
    "HeyGen",
    "HeyGenError",
    "HeyGenWarning",
    "ImageBackground",
    "ImageBackgroundParams",
    "InternalServerError",
    "MigrationError",
    "NotFoundError",
    "Offset",
    "OffsetParams",
    "OutcomeUnknownError",
    "PermissionDeniedError",
    "RateLimitError",
    "RequestValidationError",
    "SilenceVoice",
    "SilenceVoiceParams",
    "TalkingPhotoCharacter",
    "TalkingPhotoCharacterParams",
    "TextOverlay",
    "TextOverlayParams",
    "TextPosition",
    "TextPositionParams",
    "TextVoice",
    "TextVoiceParams",
    "UnprocessableEntityError",
    "Unset",
    "Video",
    "VideoBackground",
    "VideoBackgroundParams",
    "VideoFailedError",
    "VideoInput",
    "VideoInputParams",
    "Violation",
    "WaitTimeoutError",
    "validate_request",
]


def test_all_is_pinned() -> None:
    assert EXPECTED == heygen_studio.__all__


def test_all_is_sorted_constants_first_then_case_sensitively() -> None:
    # ruff's RUF022 order ("isort-style"): SCREAMING_CASE, then CamelCase, then the rest.
    def key(name: str) -> tuple[int, str]:
        return (0 if name.isupper() else 1 if name[0].isupper() else 2, name)

    assert sorted(heygen_studio.__all__, key=key) == heygen_studio.__all__


def test_every_public_attribute_is_exported_and_every_export_exists() -> None:
    public = {
        name
        for name in dir(heygen_studio)
        if not name.startswith("_") and not isinstance(getattr(heygen_studio, name), types.ModuleType)
    }
    assert set(heygen_studio.__all__) == public


def test_models_and_params_are_the_generated_ones_under_readable_names() -> None:
    for name in heygen_studio.__all__:
        exported = getattr(heygen_studio, name)
        for module in (heygen_studio_api.models, heygen_studio_api.params, heygen_studio_api.types):
            if hasattr(module, name):
                assert getattr(module, name) is exported, name


# In a fresh interpreter: what each entry point leaves in sys.modules.
WATCHED = ("httpx", "heygen_studio._client", "heygen_studio_api.models")
LOADED = "import json, sys; {setup}; print(json.dumps([name in sys.modules for name in {watched!r}]))"


@pytest.mark.parametrize(
    ("setup", "loaded"),
    [
        ("import heygen_studio", [False, False, False]),
        # The offline CLIs (validate, migrate, the mock server) never import the HTTP client.
        ("import heygen_studio.__main__ as cli; cli.main(['validate', '-'])", [False, False, False]),
        ("import heygen_studio.__main__ as cli; cli.main(['migrate', '-'])", [False, False, False]),
        ("import heygen_studio.testing.__main__", [False, False, False]),
        ("from heygen_studio import HeyGen", [True, True, True]),
        ("import heygen_studio; heygen_studio.AvatarCharacter", [False, False, True]),
    ],
    ids=["import", "validate", "migrate", "mock-server", "HeyGen", "a-model"],
)
def test_each_entry_point_loads_only_what_it_uses(setup: str, loaded: list[bool]) -> None:
    result = subprocess.run(
        [sys.executable, "-c", LOADED.format(setup=setup, watched=WATCHED)],
        input='{"video_inputs": []}',
        capture_output=True,
        text=True,
        check=True,
    )
    assert loaded == json.loads(result.stdout.splitlines()[-1]), result.stderr
