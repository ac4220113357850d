"""What the platform's Dagster says now: checks failing, runs in progress, each asset's last run.

Read through the webserver's GraphQL API (``DAGSTER_WEBSERVER_URL``), the answer the UI shows.
The instance's Python API cannot list the checks without loading the code location (dbt-core,
seconds and hundreds of MiB per dashboard process), and the webserver has it loaded already.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass

_QUERY = """
{
  assetNodes {
    assetKey { path }
    assetMaterializations(limit: 1) { timestamp runId partition }
    assetChecksOrError {
      ... on AssetChecks {
        checks {
          name
          executionForLatestMaterialization { status runId partition evaluation { severity } }
        }
      }
    }
  }
  runsOrError(filter: {statuses: [QUEUED, STARTING, STARTED]}) {
    ... on Runs { results { runId jobName status startTime } }
  }
}
"""
_FAILING = {"FAILED", "EXECUTION_FAILED"}


class DagsterUnreachable(Exception):
    """The webserver did not answer; the message says where it was asked."""


@dataclass(frozen=True)
class FailingCheck:
    asset: str
    check: str
    status: str
    severity: str | None
    partition: str | None
    run_id: str


@dataclass(frozen=True)
class RunningRun:
    run_id: str
    job: str
    status: str
    started: float | None


@dataclass(frozen=True)
class DagsterStatus:
    failing_checks: list[FailingCheck]
    running: list[RunningRun]
    last_materialized: dict[str, float]  # asset key -> timestamp (s) of its last materialization


def dagster_status(webserver_url: str, timeout_s: float = 5.0) -> DagsterStatus:
    """Ask the webserver at ``webserver_url``; :class:`DagsterUnreachable` when it does not answer."""
    request = urllib.request.Request(
        webserver_url.rstrip("/") + "/graphql",
        data=json.dumps({"query": _QUERY}).encode(),
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout_s) as response:
            answer = json.load(response)
    except (urllib.error.URLError, TimeoutError, ValueError) as error:
        told = f"the Dagster webserver at {webserver_url} did not answer ({error})"
        raise DagsterUnreachable(told) from None
    if "data" not in answer:
        raise DagsterUnreachable(f"the Dagster webserver at {webserver_url} answered {answer}")
    return _status(answer["data"])


def _status(data: dict) -> DagsterStatus:
    failing: list[FailingCheck] = []
    last: dict[str, float] = {}
    for node in data["assetNodes"]:
        asset = "/".join(node["assetKey"]["path"])
        if node["assetMaterializations"]:
            last[asset] = float(node["assetMaterializations"][0]["timestamp"]) / 1000
        for check in node["assetChecksOrError"].get("checks", []):
            execution = check["executionForLatestMaterialization"]
            if execution and execution["status"] in _FAILING:
                severity = (execution["evaluation"] or {}).get("severity")
                failing.append(
                    FailingCheck(
                        asset,
                        check["name"],
                        execution["status"],
                        severity,
                        execution["partition"],
                        execution["runId"],
                    )
                )
    runs = data["runsOrError"].get("results", [])
    running = [RunningRun(run["runId"], run["jobName"], run["status"], run["startTime"]) for run in runs]
    return DagsterStatus(failing, running, last)
