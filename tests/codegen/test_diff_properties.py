"""Properties of the spec diff on real specs: self-diff is empty, order and formatting never matter,
output is deterministic, and HeyGen's real history diffs without error."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from codegen.diff import diff_documents, diff_sources
from codegen.diff.spec import load_side
from tests.shared import CORPUS, ROOT, SEED, needs_corpus


def corpus_specs() -> list[Path]:
    if not CORPUS.is_dir():
        return []
    return [*sorted(p for p in CORPUS.rglob("*") if p.suffix in (".json", ".yaml")), SEED]


@needs_corpus
@pytest.mark.parametrize("spec", corpus_specs(), ids=lambda p: p.name)
def test_self_diff_is_empty(spec: Path) -> None:
    report = diff_sources(str(spec), str(spec))
    assert () == report.changes
    assert "no API changes" == report.outcome.text


def test_self_diff_of_vendored_and_patched_specs_is_empty() -> None:
    for name in ("heygen-api.json", "heygen-api.patched.json"):
        path = ROOT / "openapi" / name
        assert () == diff_sources(str(path), str(path)).changes


def shuffled(value: Any, rng: random.Random) -> Any:
    """The same JSON value with every object's keys in a random order."""
    if isinstance(value, dict):
        items = list(value.items())
        rng.shuffle(items)
        return {key: shuffled(item, rng) for key, item in items}
    if isinstance(value, list):
        return [shuffled(item, rng) for item in value]
    return value


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(min_value=0, max_value=2**32 - 1))
def test_reordering_keys_is_not_a_change(seed: int) -> None:
    spec = json.loads((ROOT / "openapi" / "heygen-api.patched.json").read_text(encoding="utf-8"))
    assert () == diff_documents(spec, shuffled(spec, random.Random(seed))).changes


@needs_corpus
def test_reformatting_json_as_yaml_is_not_a_change(tmp_path: Path) -> None:
    source = CORPUS / "v3-videos-history" / "20_2026-07-21_3905c9a.json"
    copy = tmp_path / "same.yaml"
    copy.write_text(yaml.safe_dump(json.loads(source.read_text(encoding="utf-8")), width=60), encoding="utf-8")
    assert () == diff_sources(str(source), str(copy)).changes


@needs_corpus
def test_formatting_only_postman_pair_has_no_err_or_warn() -> None:
    base = CORPUS / "postman-derived-2024-09-11.yaml"
    revision = CORPUS / "postman-derived-2026-03-16.yaml"
    for profile in ("client", "wire"):
        report = diff_sources(str(base), str(revision), profile=profile)
        assert [] == [c.id for c in report.changes if c.level in ("ERR", "WARN")]


def history() -> list[Path]:
    return sorted((CORPUS / "v3-videos-history").glob("*.json")) if CORPUS.is_dir() else []


@needs_corpus
@pytest.mark.parametrize("pair", list(zip(history(), history()[1:], strict=False)), ids=lambda p: p[1].stem)
def test_real_history_diffs_without_error(pair: tuple[Path, Path]) -> None:
    for profile in ("client", "wire"):
        report = diff_sources(str(pair[0]), str(pair[1]), profile=profile)
        assert report.outcome.text


@needs_corpus
def test_history_flat_body_becoming_a_union_is_breaking() -> None:
    first, second = history()[:2]
    report = diff_sources(str(first), str(second))
    assert [("request-body-wrapped-in-one-of", "ERR")] == [(c.id, c.level) for c in report.changes]


@needs_corpus
def test_history_new_union_arm_is_reported_even_with_dangling_mapping() -> None:
    base, revision = history()[-2:]
    report = diff_sources(str(base), str(revision))
    expected = [("request-body-discriminator-mapping-added", "INFO"), ("request-body-one-of-added", "INFO")]
    assert expected == sorted((c.id, c.level) for c in report.changes)
    assert "studio" in json.dumps(load_side(str(revision))["paths"]["/v3/videos"]["post"]["requestBody"])


@needs_corpus
@pytest.mark.parametrize("fmt", ["text", "json"])
def test_output_is_identical_across_runs_and_hash_seeds(fmt: str) -> None:
    base = CORPUS / "v3-videos-history" / "08_2026-04-28_c00e541.json"
    revision = CORPUS / "v3-videos-history" / "09_2026-05-09_031ba3c.json"
    outputs = set()
    for seed in ("0", "1", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(ROOT)}
        command = [sys.executable, "-m", "codegen", "diff", str(base), str(revision), "--format", fmt]
        result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=True)
        outputs.add(result.stdout)
    assert 1 == len(outputs)
