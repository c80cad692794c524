"""The user's settings file: which embedding model to use.

Looked up in order: $TREATYDIFF_CONFIG (which must exist), ./treatydiff.toml, then
treatydiff/config.toml in the user's config directory. The model is chosen by, first to
last: --model, $TREATYDIFF_MODEL, the settings file, the default.

    # treatydiff.toml
    [embedding]
    model = "e5"    # any spec `treatydiff models` lists
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

from .backends import DEFAULT_SPEC
from .errors import ConfigError

CONFIG_ENV = "TREATYDIFF_CONFIG"
MODEL_ENV = "TREATYDIFF_MODEL"
LOCAL_NAME = "treatydiff.toml"


@dataclass(frozen=True)
class Settings:
    model: str | None = None
    path: Path | None = None  # the file read, if any


def config_paths() -> list[Path]:
    """Where a settings file is looked for, first found wins."""
    from platformdirs import user_config_dir

    return [Path(LOCAL_NAME), Path(user_config_dir("treatydiff")) / "config.toml"]


def load_settings() -> Settings:
    explicit = os.environ.get(CONFIG_ENV)
    if explicit:
        path = Path(explicit)
        if not path.is_file():
            raise ConfigError(f"${CONFIG_ENV} names {path}, which is not a file")
        return read_settings(path)
    for path in config_paths():
        if path.is_file():
            return read_settings(path)
    return Settings()


def read_settings(path: Path) -> Settings:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: can't read the settings file ({exc})") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from exc
    embedding = data.get("embedding", {})
    if not isinstance(embedding, dict):
        raise ConfigError(f"{path}: [embedding] must be a table")
    unknown = sorted(set(embedding) - {"model"})
    if unknown:
        raise ConfigError(f"{path}: unknown setting embedding.{unknown[0]} (known: embedding.model)")
    model = embedding.get("model")
    if model is not None and (not isinstance(model, str) or not model.strip()):
        raise ConfigError(f"{path}: embedding.model must be a non-empty string")
    return Settings(model=model, path=path)


def chosen_model(cli_value: str | None) -> str:
    """The model spec to use: --model, then $TREATYDIFF_MODEL, then the settings file."""
    if cli_value:
        return cli_value
    env = os.environ.get(MODEL_ENV, "").strip()
    if env:
        return env
    return load_settings().model or DEFAULT_SPEC
