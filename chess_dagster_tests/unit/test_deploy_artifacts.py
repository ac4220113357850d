"""The deployment artefacts: the code location's image (deploy/Dockerfile) and the Helm values of a
team's Kubernetes deployment (deploy/helm/values.yaml) agree with the chart, with the project and
with the team instance (deploy/dagster.yaml). Files only: no network, no Docker, no Helm."""

from __future__ import annotations

import json
import re
import tomllib
from functools import cache
from pathlib import Path
from typing import Any

import yaml  # type: ignore[import-untyped]  # PyYAML ships no types; no stubs locked
from jsonschema import Draft202012Validator  # type: ignore[import-untyped]

REPO_ROOT = Path(__file__).resolve().parents[2]
DEPLOY = REPO_ROOT / "deploy"
HELM = DEPLOY / "helm"
# The chart's schema points at Kubernetes' own object schemas (env sources, probes, resources) on the
# network. Those shapes are Kubernetes', not the chart's: offline, they go unchecked. Every other
# $ref resolves within the file.
KUBERNETES_SCHEMAS = "https://raw.githubusercontent.com/yannh/kubernetes-json-schema/"


@cache
def read_yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def helm_values() -> dict[str, Any]:
    values: dict[str, Any] = read_yaml(HELM / "values.yaml")
    return values


def team_instance() -> dict[str, Any]:
    instance: dict[str, Any] = read_yaml(DEPLOY / "dagster.yaml")
    return instance


def helm_merged(defaults: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    """Helm's coalescing of a chart's values with a user's: maps merge key by key, anything else
    (lists too) is replaced, and null removes a default."""
    merged = dict(defaults)
    for key, value in overrides.items():
        if value is None:
            merged.pop(key, None)
        elif isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = helm_merged(merged[key], value)
        else:
            merged[key] = value
    return merged


def without_kubernetes_refs(node: Any) -> Any:
    if isinstance(node, dict):
        return {
            key: without_kubernetes_refs(value)
            for key, value in node.items()
            if not (key == "$ref" and str(value).startswith(KUBERNETES_SCHEMAS))
        }
    if isinstance(node, list):
        return [without_kubernetes_refs(item) for item in node]
    return node


def chart_schema_errors(values: dict[str, Any]) -> list[str]:
    """What Helm's schema check would say of ``values`` given with ``-f``, as "path: message" lines."""
    schema = without_kubernetes_refs(json.loads((HELM / "values.schema.json").read_text(encoding="utf-8")))
    Draft202012Validator.check_schema(schema)
    merged = helm_merged(read_yaml(HELM / "chart-values.yaml"), values)
    errors = Draft202012Validator(schema).iter_errors(merged)
    return sorted(f"{'/'.join(map(str, error.absolute_path))}: {error.message}" for error in errors)


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of deploy/Dockerfile, continuation lines joined, comments dropped."""
    lines = [
        line
        for line in (DEPLOY / "Dockerfile").read_text(encoding="utf-8").splitlines()
        if not line.lstrip().startswith("#")
    ]
    joined = re.sub(r"\\\n", " ", "\n".join(lines))
    return [
        (instruction.upper(), arguments.strip())
        for instruction, _, arguments in (line.strip().partition(" ") for line in joined.splitlines())
        if instruction
    ]


def makefile_lock() -> str:
    """The lock file `make setup` installs."""
    makefile = (REPO_ROOT / "Makefile").read_text(encoding="utf-8")
    match = re.search(r"pip install .*--require-hashes -r (\S+)", makefile)
    assert match, "the Makefile installs no hash-checked lock file"
    return match.group(1)


def camel(snake: str) -> str:
    head, *rest = snake.split("_")
    return head + "".join(word.capitalize() for word in rest)


def test_the_helm_values_validate_against_the_charts_schema() -> None:
    assert chart_schema_errors(helm_values()) == []


def test_the_schema_check_rejects_a_key_the_chart_does_not_know() -> None:
    misspelt = helm_merged(helm_values(), {"concurrency": {"runs": {"maxConcurrentRun": 10}}})
    assert any("maxConcurrentRun" in error for error in chart_schema_errors(misspelt))


def test_the_helm_code_location_serves_the_module_pyproject_names() -> None:
    pyproject = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    module = pyproject["tool"]["dg"]["project"]["code_location_target_module"]
    (deployment,) = helm_values()["dagster-user-deployments"]["deployments"]
    assert deployment["dagsterApiGrpcArgs"] == ["-m", module]


def test_the_image_serves_the_module_pyproject_names() -> None:
    pyproject = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    module = pyproject["tool"]["dg"]["project"]["code_location_target_module"]
    (command,) = [
        yaml.safe_load(arguments)
        for instruction, arguments in dockerfile_instructions()
        if instruction == "CMD"
    ]
    assert command[:3] == ["dagster", "code-server", "start"]
    assert command[command.index("-m") + 1] == module


IMAGE_LOCK = "deploy/requirements.lock"


def locked_versions(lock: str) -> dict[str, str]:
    text = (REPO_ROOT / lock).read_text(encoding="utf-8")
    return dict(re.findall(r"^([A-Za-z0-9._-]+)==(\S+)", text, re.MULTILINE))


def test_the_image_installs_its_own_lock_hash_checked() -> None:
    instructions = dockerfile_instructions()
    assert ("COPY", f"{IMAGE_LOCK} ./requirements.lock") in instructions
    assert ("RUN", "pip install --no-deps --require-hashes -r requirements.lock") in instructions


def test_the_image_lock_keeps_every_version_the_tests_ran_and_adds_dagster_k8s() -> None:
    tested, image = locked_versions(makefile_lock()), locked_versions(IMAGE_LOCK)
    assert {name: v for name, v in image.items() if tested.get(name, v) != v} == {}
    assert image["dagster-k8s"] == tested["dagster-postgres"]  # the same Dagster libraries release
    assert "pytest" not in image and "playwright" not in image


def test_the_image_never_copies_dlt_secrets() -> None:
    sources = [
        source
        for instruction, arguments in dockerfile_instructions()
        if instruction in {"COPY", "ADD"}
        for source in arguments.split()[:-1]
        if not source.startswith("--")
    ]
    assert ".dlt/config.toml" in sources
    assert not [source for source in sources if source in {".", ".dlt", ".dlt/"} or "secrets" in source]
    # and should a later COPY take the whole context, the build context leaves the secrets out
    assert ".dlt/secrets.toml" in (REPO_ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()


def test_runs_queue_for_the_daemon_as_on_the_team_instance() -> None:
    assert team_instance()["run_coordinator"]["class"] == "QueuedRunCoordinator"
    coordinator = helm_values()["dagsterDaemon"]["runCoordinator"]
    assert coordinator["enabled"] and coordinator["type"] == "QueuedRunCoordinator"


def test_the_helm_run_queue_tag_limits_equal_the_team_instances() -> None:
    concurrency = helm_values()["concurrency"]
    assert concurrency["enabled"]
    assert (
        concurrency["runs"]["tagConcurrencyLimits"]
        == team_instance()["concurrency"]["runs"]["tag_concurrency_limits"]
    )


def test_the_helm_run_and_pool_limits_equal_the_team_instances() -> None:
    helm, instance = helm_values()["concurrency"], team_instance()["concurrency"]
    assert helm["runs"]["maxConcurrentRuns"] == instance["runs"]["max_concurrent_runs"]
    assert helm["pools"]["defaultLimit"] == instance["pools"]["default_limit"]


def test_the_helm_run_monitoring_equals_the_team_instances() -> None:
    # The chart's schema takes any keys here: a misspelt one would pass it and be ignored.
    monitoring = helm_values()["dagsterDaemon"]["runMonitoring"]
    expected = {camel(key): value for key, value in team_instance()["run_monitoring"].items()}
    assert {key: monitoring.get(key) for key in expected} == expected


def test_the_helm_deployment_sends_no_telemetry_as_the_team_instance() -> None:
    assert team_instance()["telemetry"] == {"enabled": False}
    assert helm_values()["telemetry"] == {"enabled": False}
