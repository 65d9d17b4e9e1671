"""heygen_studio: a typed client for HeyGen's video API: create (v2 Studio and v3), get, list, delete, wait.

The clients, and the generated request models and TypedDicts re-exported here, load on
first use (module ``__getattr__``, PEP 562): ``import heygen_studio`` does not pay for the
models a caller never touches, and the offline command lines (``validate``, ``migrate``,
the mock server) never import httpx.
"""

from importlib import import_module as _import_module
from typing import TYPE_CHECKING, Any

from heygen_studio._errors import (
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    AuthenticationError,
    BadRequestError,
    ConfigurationError,
    ConflictError,
    HeyGenError,
    HeyGenWarning,
    InternalServerError,
    MigrationError,
    NotFoundError,
    OutcomeUnknownError,
    PermissionDeniedError,
    RateLimitError,
    RequestValidationError,
    UnprocessableEntityError,
    VideoFailedError,
    Violation,
    WaitTimeoutError,
)
from heygen_studio._validation import validate_request

__all__ = [
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

if TYPE_CHECKING:
    from heygen_studio_api.models import (
        AudioVoice,
        AvatarCharacter,
        ColorBackground,
        CreateVideoData,
        CreateVideoRequest,
        CreateVideoResponse,
        Dimension,
        ElevenLabsSettings,
        ErrorDetail,
        ErrorResponse,
        ImageBackground,
        Offset,
        SilenceVoice,
        TalkingPhotoCharacter,
        TextOverlay,
        TextPosition,
        TextVoice,
        VideoBackground,
        VideoInput,
    )
    from heygen_studio_api.params import (
        AudioVoiceParams,
        AvatarCharacterParams,
        ColorBackgroundParams,
        CreateVideoParams,
        DimensionParams,
        ElevenLabsSettingsParams,
        ImageBackgroundParams,
        OffsetParams,
        SilenceVoiceParams,
        TalkingPhotoCharacterParams,
        TextOverlayParams,
        TextPositionParams,
        TextVoiceParams,
        VideoBackgroundParams,
        VideoInputParams,
    )
    from heygen_studio_api.types import UNSET, Unset

    from heygen_studio._client import (
        DEFAULT_READ_TIMEOUT,
        DEFAULT_TIMEOUT,
        APIResponse,
        AsyncHeyGen,
        CreatedVideo,
        HeyGen,
        Video,
    )

#: Where each lazily loaded export lives.
_LAZY: dict[str, str] = {
    "DEFAULT_READ_TIMEOUT": "heygen_studio._client",
    "DEFAULT_TIMEOUT": "heygen_studio._client",
    "APIResponse": "heygen_studio._client",
    "AsyncHeyGen": "heygen_studio._client",
    "CreatedVideo": "heygen_studio._client",
    "HeyGen": "heygen_studio._client",
    "Video": "heygen_studio._client",
    "UNSET": "heygen_studio_api.types",
    "Unset": "heygen_studio_api.types",
    "AudioVoice": "heygen_studio_api.models",
    "AvatarCharacter": "heygen_studio_api.models",
    "ColorBackground": "heygen_studio_api.models",
    "CreateVideoData": "heygen_studio_api.models",
    "CreateVideoRequest": "heygen_studio_api.models",
    "CreateVideoResponse": "heygen_studio_api.models",
    "Dimension": "heygen_studio_api.models",
    "ElevenLabsSettings": "heygen_studio_api.models",
    "ErrorDetail": "heygen_studio_api.models",
    "ErrorResponse": "heygen_studio_api.models",
    "ImageBackground": "heygen_studio_api.models",
    "Offset": "heygen_studio_api.models",
    "SilenceVoice": "heygen_studio_api.models",
    "TalkingPhotoCharacter": "heygen_studio_api.models",
    "TextOverlay": "heygen_studio_api.models",
    "TextPosition": "heygen_studio_api.models",
    "TextVoice": "heygen_studio_api.models",
    "VideoBackground": "heygen_studio_api.models",
    "VideoInput": "heygen_studio_api.models",
    "AudioVoiceParams": "heygen_studio_api.params",
    "AvatarCharacterParams": "heygen_studio_api.params",
    "ColorBackgroundParams": "heygen_studio_api.params",
    "CreateVideoParams": "heygen_studio_api.params",
    "DimensionParams": "heygen_studio_api.params",
    "ElevenLabsSettingsParams": "heygen_studio_api.params",
    "ImageBackgroundParams": "heygen_studio_api.params",
    "OffsetParams": "heygen_studio_api.params",
    "SilenceVoiceParams": "heygen_studio_api.params",
    "TalkingPhotoCharacterParams": "heygen_studio_api.params",
    "TextOverlayParams": "heygen_studio_api.params",
    "TextPositionParams": "heygen_studio_api.params",
    "TextVoiceParams": "heygen_studio_api.params",
    "VideoBackgroundParams": "heygen_studio_api.params",
    "VideoInputParams": "heygen_studio_api.params",
}


def __getattr__(name: str) -> Any:
    """Load a generated model or TypedDict on first use, and keep it as a module attribute."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(_import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return list(__all__)


del TYPE_CHECKING, Any
