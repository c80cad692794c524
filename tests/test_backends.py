"""The backend registry, model specs, the settings file, `treatydiff models`, and a third-party plug-in."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from treatydiff.alignment import AlignmentConfig
from treatydiff.backends import Backend, ModelInfo, apply_thresholds, make_embedder, registry, resolve
from treatydiff.backends.e5 import split_prefix
from treatydiff.backends.lexical import tfidf_hashed
from treatydiff.cli import app
from treatydiff.compare import CompareOptions
from treatydiff.config import chosen_model, read_settings
from treatydiff.embeddings import Embedder
from treatydiff.errors import ConfigError, ModelError
from treatydiff.positions import PositionsOptions

FIXTURES = Path(__file__).parent / "fixtures"
PLUGIN = FIXTURES / "plugin"
DRAFTS = FIXTURES / "compare"


def test_builtin_backends_come_from_the_entry_points() -> None:
    from importlib.metadata import entry_points

    names = {p.name for p in entry_points(group="treatydiff.embedders")}
    assert {"sentence-transformers", "e5", "tfidf"} <= names
    assert {"sentence-transformers", "e5", "tfidf"} <= set(registry().backends)
    assert registry().problems == ()


@pytest.mark.parametrize(
    ("spec", "resolved"),
    [
        ("all-MiniLM-L6-v2", "sentence-transformers:all-MiniLM-L6-v2"),
        ("sentence-transformers/all-MiniLM-L6-v2", "sentence-transformers:all-MiniLM-L6-v2"),
        ("e5", "e5:multilingual-e5-small"),
        ("multilingual-e5-small", "e5:multilingual-e5-small"),
        ("e5:multilingual-e5-small", "e5:multilingual-e5-small"),
        ("tfidf", "tfidf:tfidf"),
        ("some/local-model-dir", "sentence-transformers:some/local-model-dir"),
    ],
)
def test_specs_resolve_to_a_backend_and_model(spec: str, resolved: str) -> None:
    assert resolve(spec).spec == resolved


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("nope:x", "unknown backend 'nope'"),
        ("e5:big", "backend 'e5' has no model 'big'"),
        ("  ", "empty model name"),
    ],
)
def test_bad_specs_say_what_is_wrong(spec: str, message: str) -> None:
    with pytest.raises(ModelError, match=message):
        resolve(spec)


def test_an_unknown_sentence_transformers_name_fails_before_loading_anything() -> None:
    embedder = make_embedder("no-such-model-anywhere")
    with pytest.raises(ModelError, match="not a local model directory, nor in the Hugging Face cache"):
        embedder.embed(["text"])


def test_models_carry_their_calibrated_thresholds() -> None:
    assert make_embedder("all-MiniLM-L6-v2").thresholds == {}
    # Fitted by benchmarks/calibrate.py; the package defaults were fitted on MiniLM only.
    for spec in ("e5", "tfidf"):
        thresholds = make_embedder(spec).thresholds
        assert {"link_threshold", "local_link_threshold", "addressed_threshold"} <= set(thresholds), spec
    # e5's cosines sit in a narrow band near 1: MiniLM's thresholds would link everything.
    assert make_embedder("e5").thresholds["link_threshold"] > AlignmentConfig().link_threshold + 0.1


def test_thresholds_apply_to_nested_options_and_skip_unknown_names() -> None:
    values = {"link_threshold": 0.7, "local_link_threshold": 0.6, "addressed_threshold": 0.5}
    compare = apply_thresholds(CompareOptions(), values)
    assert compare.alignment.link_threshold == 0.7
    assert compare.local_link_threshold == 0.6
    assert compare.alignment.attach_threshold == AlignmentConfig().attach_threshold
    positions = apply_thresholds(PositionsOptions(), values)
    assert positions.addressed_threshold == 0.5
    assert apply_thresholds(CompareOptions(), {}) == CompareOptions()


def test_e5_prefixes_become_the_engines_flag() -> None:
    assert split_prefix("query: a text") == ("a text", True)
    assert split_prefix("passage: a provision") == ("a provision", False)
    assert split_prefix("no prefix") == ("no prefix", True)


class PrefixRecorder(Embedder):
    name = "recorder"
    max_tokens = 12
    prefixes = {"text": "query: ", "query": "query: ", "passage": "passage: "}

    def __init__(self) -> None:
        self.seen: list[str] = []

    def count_tokens(self, text: str) -> int:
        return len(text.split()) + 2

    def embed_batch(self, texts):  # type: ignore[no-untyped-def]
        self.seen.extend(texts)
        rows = np.ones((len(texts), 4), dtype=np.float32)
        return rows / 2.0


def test_every_chunk_of_a_long_text_carries_its_role_prefix() -> None:
    embedder = PrefixRecorder()
    long_text = " ".join(f"w{k}" for k in range(40))
    embedder.embed([long_text, "short claim"], role=["passage", "query"])
    passages = [t for t in embedder.seen if t.startswith("passage: ")]
    assert len(passages) >= 4  # 40 words in a 12-token window, prefix and specials counted
    assert all(embedder.count_tokens(t) <= embedder.max_tokens for t in embedder.seen)
    assert " ".join(
        t.removeprefix("passage: ") for t in sorted(passages, key=lambda t: int(t.split()[1][1:]))
    )
    assert "query: short claim" in embedder.seen


def test_the_same_text_in_two_roles_is_encoded_twice_and_cached_apart(tmp_path: Path) -> None:
    from treatydiff.embeddings import EmbeddingCache

    embedder = PrefixRecorder()
    cache = EmbeddingCache(tmp_path)
    embedder.embed(["the same words"], role="query", cache=cache)
    embedder.embed(["the same words"], role="passage", cache=cache)
    embedder.embed(["the same words"], role="passage", cache=cache)
    assert embedder.seen == ["query: the same words", "passage: the same words"]


def test_roles_must_match_the_texts() -> None:
    with pytest.raises(ValueError, match="2 texts but 1 roles"):
        PrefixRecorder().embed(["a", "b"], role=["query"])


def test_tfidf_backend_scores_shared_rare_wording() -> None:
    vectors = tfidf_hashed(
        [
            "Each Party shall adopt legislative measures to criminalise illegal access",
            "Each Party shall adopt such legislative measures against illegal access",
            "The depositary shall notify the member States of any signature",
        ]
    )
    assert vectors.shape == (3, 4096)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0)
    similar = float(vectors[0] @ vectors[1])
    unrelated = float(vectors[0] @ vectors[2])
    assert similar > 0.5 > unrelated


def test_settings_file_chooses_the_model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TREATYDIFF_MODEL", raising=False)
    monkeypatch.delenv("TREATYDIFF_CONFIG", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    assert chosen_model(None) == "all-MiniLM-L6-v2"
    (tmp_path / "treatydiff.toml").write_text('[embedding]\nmodel = "e5"\n')
    assert chosen_model(None) == "e5"
    monkeypatch.setenv("TREATYDIFF_MODEL", "tfidf")
    assert chosen_model(None) == "tfidf"
    assert chosen_model("all-MiniLM-L6-v2") == "all-MiniLM-L6-v2"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[embedding\nmodel = 1", "not valid TOML"),
        ('[embedding]\nmodle = "e5"\n', "unknown setting embedding.modle"),
        ("[embedding]\nmodel = 3\n", "must be a non-empty string"),
        ('embedding = "e5"\n', r"\[embedding\] must be a table"),
    ],
)
def test_a_bad_settings_file_is_one_clear_error(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "treatydiff.toml"
    path.write_text(content)
    with pytest.raises(ConfigError, match=message):
        read_settings(path)


def test_cli_reports_a_bad_settings_file_in_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bad = tmp_path / "settings.toml"
    bad.write_text("[embedding\n")
    monkeypatch.setenv("TREATYDIFF_CONFIG", str(bad))
    monkeypatch.delenv("TREATYDIFF_MODEL", raising=False)
    result = CliRunner().invoke(
        app,
        ["compare", str(DRAFTS / "draft-v1.md"), str(DRAFTS / "draft-v2.md"), "-o", str(tmp_path / "r.html")],
    )
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "not valid TOML" in lines[0]
    assert not (tmp_path / "r.html").exists()


def test_models_lists_every_backend_with_languages_and_dimensions(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TREATYDIFF_MODEL", "e5")
    result = CliRunner().invoke(app, ["models", "--json"])
    assert result.exit_code == 0, result.output
    listed = json.loads(result.stdout)
    rows = {row["spec"]: row for row in listed["models"]}
    assert rows["sentence-transformers:all-MiniLM-L6-v2"]["languages"] == ["en"]
    assert rows["sentence-transformers:all-MiniLM-L6-v2"]["default"] is True
    assert rows["e5:multilingual-e5-small"]["languages"] == "many"
    assert rows["e5:multilingual-e5-small"]["in_use"] is True
    assert rows["tfidf:tfidf"]["dimension"] == 4096
    assert all(row["installed"] for row in rows.values())
    table = CliRunner().invoke(app, ["models"])
    assert "* multilingual-e5-small" in table.stdout


def test_a_backend_whose_package_is_missing_is_listed_as_not_installed() -> None:
    backend = Backend(
        "ghost",
        "needs a package that isn't there",
        (ModelInfo("ghost-1", None, 8, 16),),
        create=lambda model: PrefixRecorder(),
        requires=("no_such_package_xyz",),
    )
    assert backend.missing() == ("no_such_package_xyz",)


# A third-party package, found through its entry point exactly as an installed one would be.


def _plugin_env(tmp_path: Path, *, broken: bool = False) -> dict[str, str]:
    site = tmp_path / "site"
    shutil.copytree(PLUGIN, site)
    if broken:
        info = site / "broken_treatydiff_backend-0.1.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(
            "Metadata-Version: 2.1\nName: broken-treatydiff-backend\nVersion: 0.1\n"
        )
        (info / "entry_points.txt").write_text(
            "[treatydiff.embedders]\nbroken = toy_treatydiff_backend:broken\n"
        )
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(site), env.get("PYTHONPATH", "")])
    env["TOY_BACKEND_LOG"] = str(tmp_path / "toy.log")
    env["TREATYDIFF_CACHE_DIR"] = str(tmp_path / "cache")
    env.pop("TREATYDIFF_MODEL", None)
    return env


def _treatydiff(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "treatydiff", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_third_party_backend_is_listed_by_models(tmp_path: Path) -> None:
    result = _treatydiff(["models", "--json"], _plugin_env(tmp_path), tmp_path)
    assert result.returncode == 0, result.stderr
    rows = {row["spec"]: row for row in json.loads(result.stdout)["models"]}
    assert rows["toy:toy-bow"]["languages"] == ["en", "nl"]
    assert rows["toy:toy-bow"]["dimension"] == 128
    assert rows["toy:toy-bow"]["installed"] is True


def test_a_third_party_backend_is_used_by_compare(tmp_path: Path) -> None:
    env = _plugin_env(tmp_path)
    report, exported = tmp_path / "r.html", tmp_path / "r.json"
    args = ["compare", str(DRAFTS / "draft-v1.md"), str(DRAFTS / "draft-v2.md"), "-o", str(report)]
    result = _treatydiff([*args, "--model", "toy", "--json", str(exported), "-q"], env, tmp_path)
    assert result.returncode == 0, result.stderr
    data = json.loads(exported.read_text())
    assert data["model"] == "toy-bow"
    # Its calibrated threshold replaced the package default.
    assert data["thresholds"]["link_threshold"] == 0.45
    encoded = sum(int(n) for n in (tmp_path / "toy.log").read_text().split())
    assert encoded > 0
    # The same spec from the settings file, without --model.
    (tmp_path / "treatydiff.toml").write_text('[embedding]\nmodel = "toy:toy-bow"\n')
    again = _treatydiff([*args, "--json", str(exported), "-q", "--force"], env, tmp_path)
    assert again.returncode == 0, again.stderr
    assert json.loads(exported.read_text())["model"] == "toy-bow"


def test_a_broken_plugin_is_a_warning_not_a_failure(tmp_path: Path) -> None:
    env = _plugin_env(tmp_path, broken=True)
    listed = _treatydiff(["models"], env, tmp_path)
    assert listed.returncode == 0
    assert "entry point 'broken'" in listed.stderr and "broken on purpose" in listed.stderr
    assert "toy-bow" in listed.stdout
    args = [
        "compare",
        str(DRAFTS / "draft-v1.md"),
        str(DRAFTS / "draft-v2.md"),
        "-o",
        str(tmp_path / "r.html"),
    ]
    used = _treatydiff([*args, "--model", "toy", "-q"], env, tmp_path)
    assert used.returncode == 0, used.stderr
    assert "Traceback" not in used.stderr
