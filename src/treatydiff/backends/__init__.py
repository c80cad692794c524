"""The embedding backends: a registry fed by the `treatydiff.embedders` entry points.

Built-in backends register through the same entry-point group that third-party packages
use (see pyproject.toml). An entry point names a `Backend` record, or a function that
returns one; loading it must be cheap, so a backend imports its model library only when
its `create` function runs.

A model is chosen with a spec, as given to `--model` or the config file:

- `BACKEND:MODEL` — that backend with that model (`sentence-transformers:/path/to/model`);
- a backend's name — its default model (`e5`, `tfidf`);
- a model a backend lists (`all-MiniLM-L6-v2`, `multilingual-e5-small`);
- anything else — a sentence-transformers model name or local directory.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, is_dataclass, replace
from functools import cache
from importlib.metadata import entry_points
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from treatydiff.errors import ModelError

if TYPE_CHECKING:
    from treatydiff.embeddings import Embedder

ENTRY_POINT_GROUP = "treatydiff.embedders"
DEFAULT_SPEC = "all-MiniLM-L6-v2"
FALLBACK_BACKEND = "sentence-transformers"

_Options = TypeVar("_Options")


@dataclass(frozen=True)
class ModelInfo:
    """A model a backend knows by name."""

    name: str
    languages: frozenset[str] | None  # ISO 639-1 codes; None: many or unknown
    dimension: int
    max_tokens: int
    summary: str = ""
    # Calibrated defaults for this model, by option name (link_threshold, ...); they replace
    # the package defaults, which were fitted on all-MiniLM-L6-v2. Empty: the package defaults.
    thresholds: Mapping[str, float] = field(default_factory=dict)
    # Import names the model needs beyond the backend's own (e.g. a bundled-weights package).
    requires: tuple[str, ...] = ()


@dataclass(frozen=True)
class Backend:
    """An embedding backend as the registry sees it."""

    name: str
    summary: str
    models: tuple[ModelInfo, ...]
    # Makes an embedder for a model name; may import heavy libraries, and only then.
    create: Callable[[str], Embedder]
    requires: tuple[str, ...] = ()  # import names that must be installed
    # True: any model name or local directory is accepted, not only those listed.
    open_ended: bool = False

    @property
    def default_model(self) -> ModelInfo:
        return self.models[0]

    def model(self, name: str) -> ModelInfo | None:
        return next((m for m in self.models if m.name == name), None)

    def missing(self, model: ModelInfo | None = None) -> tuple[str, ...]:
        """Import names this backend (and model) needs that are not installed."""
        needed = self.requires + (model.requires if model else ())
        return tuple(name for name in needed if importlib.util.find_spec(name) is None)


@dataclass(frozen=True)
class Registry:
    backends: Mapping[str, Backend]
    problems: tuple[str, ...] = ()  # entry points that failed to load, one line each


@cache
def registry() -> Registry:
    """Every backend registered through the entry points, by name; loaded once per process."""
    backends: dict[str, Backend] = {}
    problems: list[str] = []
    for point in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda p: (p.name, p.value)):
        origin = f"entry point {point.name!r} ({point.value})"
        try:
            loaded = point.load()
            backend = loaded() if callable(loaded) and not isinstance(loaded, Backend) else loaded
        except Exception as exc:  # a broken plug-in must not break the others
            problems.append(f"{origin} failed to load: {type(exc).__name__}: {exc}")
            continue
        if not isinstance(backend, Backend) or not backend.models:
            problems.append(f"{origin} is not a treatydiff Backend with at least one model")
            continue
        if backend.name in backends:
            problems.append(f"{origin}: a backend named {backend.name!r} is already registered; ignored")
            continue
        backends[backend.name] = backend
    if FALLBACK_BACKEND not in backends:
        # Running from a source tree without installed metadata: the built-ins still work.
        from . import builtin

        for backend in builtin.BUILTIN:
            backends.setdefault(backend.name, backend)
    return Registry(backends, tuple(problems))


@dataclass(frozen=True)
class Choice:
    """A resolved model spec."""

    backend: Backend
    model: str
    info: ModelInfo | None  # None: a model the backend doesn't list (open-ended backends)

    @property
    def spec(self) -> str:
        return f"{self.backend.name}:{self.model}"

    @property
    def thresholds(self) -> Mapping[str, float]:
        return self.info.thresholds if self.info else {}


def resolve(spec: str) -> Choice:
    """The backend and model a spec names; ModelError if none does."""
    spec = spec.strip()
    if not spec:
        raise ModelError("empty model name: run `treatydiff models` to see the choices")
    backends = registry().backends
    name, sep, model = spec.partition(":")
    if sep and name in backends:
        backend = backends[name]
        info = backend.model(model) if model else backend.default_model
        if info is None and not backend.open_ended:
            known = ", ".join(m.name for m in backend.models)
            raise ModelError(f"backend {name!r} has no model {model!r}; it has: {known}")
        return Choice(backend, model or backend.default_model.name, info)
    if sep and not Path(spec).expanduser().exists() and "/" not in name:
        known = ", ".join(sorted(backends))
        raise ModelError(f"unknown backend {name!r} in {spec!r}; the backends are: {known}")
    if spec in backends:
        backend = backends[spec]
        return Choice(backend, backend.default_model.name, backend.default_model)
    for backend in backends.values():
        info = backend.model(spec)
        if info is not None:
            return Choice(backend, spec, info)
    fallback = backends.get(FALLBACK_BACKEND)
    if fallback is None:
        raise ModelError(f"unknown model {spec!r}: run `treatydiff models` to see the choices")
    if spec.startswith("sentence-transformers/"):
        info = fallback.model(spec.removeprefix("sentence-transformers/"))
        if info is not None:
            return Choice(fallback, info.name, info)
    return Choice(fallback, spec, None)


def make_embedder(spec: str = DEFAULT_SPEC) -> Embedder:
    """An embedder for a model spec, with its calibrated thresholds; the model loads lazily."""
    choice = resolve(spec)
    missing = choice.backend.missing(choice.info)
    if missing:
        raise ModelError(
            f"model {spec!r} needs {', '.join(missing)}, which is not installed "
            f"(backend {choice.backend.name!r})"
        )
    try:
        embedder = choice.backend.create(choice.model)
    except ModelError:
        raise
    except Exception as exc:  # a plug-in's own failure: one line, naming it
        raise ModelError(f"backend {choice.backend.name!r} can't make model {choice.model!r}: {exc}") from exc
    if choice.info is not None:
        embedder.thresholds = dict(choice.info.thresholds)
        if embedder.languages is None:
            embedder.languages = choice.info.languages
    return embedder


def warn_problems(stream=sys.stderr) -> None:  # type: ignore[no-untyped-def]
    for problem in registry().problems:
        print(f"warning: {problem}", file=stream)


def apply_thresholds(options: _Options, values: Mapping[str, float]) -> _Options:
    """`options` (CompareOptions, PositionsOptions, AlignmentConfig) with each field named in
    `values` set, in nested option records too; names a record doesn't have are skipped."""
    if not is_dataclass(options) or not values:
        return options
    changes: dict[str, Any] = {}
    for item in fields(options):
        current = getattr(options, item.name)
        if item.name in values:
            changes[item.name] = values[item.name]
        elif is_dataclass(current) and not isinstance(current, type):
            nested = apply_thresholds(current, values)
            if nested is not current:
                changes[item.name] = nested
    return replace(options, **changes) if changes else options  # type: ignore[type-var]
