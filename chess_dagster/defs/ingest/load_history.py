"""What a dlt load changed and cost, as Dagster metadata. A schema update to a table that existed
before the load is *drift*, reported; one that creates a table is the first load's baseline.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

import dagster as dg
from dlt.common.pipeline import LoadInfo
from dlt.pipeline.trace import PipelineTrace

from chess_dagster.sources.chess_com.client import RequestStats
from chess_dagster.sources.chess_com.load import data_rows
from chess_dagster.sources.chess_com.progress import PHASES

# Columns per table: {"players_games": {"termination": "text"}}
TableColumns = dict[str, dict[str, str]]


def schema_update_for(load_info: LoadInfo, table: str) -> TableColumns:
    update: TableColumns = {}
    for package in load_info.load_packages:
        for name, table_schema in package.schema_update.items():
            if name == table or name.startswith(f"{table}__"):
                columns = update.setdefault(name, {})
                columns.update(
                    {
                        col: str(spec.get("data_type") or "?")
                        for col, spec in table_schema.get("columns", {}).items()
                    }
                )
    return update


def schema_metadata(load_info: LoadInfo, table: str, tables_before: Collection[str]) -> dict[str, object]:
    update = schema_update_for(load_info, table)
    drift = {name: columns for name, columns in update.items() if name in tables_before and columns}
    packages = load_info.load_packages
    return {
        "dlt_load_id": packages[-1].load_id if packages else "",
        # The package's schema hash is the one stored with the data; the live pipeline's changes.
        "dlt_schema_hash": packages[-1].schema_hash if packages else "",
        "dlt_schema_update": dg.MetadataValue.json(update),
        "schema_new_columns": dg.MetadataValue.json(drift),
    }


def load_figures(requests: RequestStats, trace: PipelineTrace | None) -> dict[str, float | int]:
    """Numbers, so the asset's page plots them across materializations."""
    figures: dict[str, float | int] = {
        "http_requests": requests.attempts,
        **{f"http_{answer}": n for answer, n in requests.answers().items()},
        "http_bytes": requests.bytes_received,
        "in_flight_peak": requests.in_flight_peak,
    }
    if requests.limit_low is not None:
        figures["in_flight_limit_low"] = requests.limit_low
    steps = {step.step: step for step in trace.steps} if trace else {}
    seconds = {
        phase: (step.finished_at - step.started_at).total_seconds()
        for phase, step in steps.items()
        if phase in PHASES and step.started_at and step.finished_at
    }
    figures.update({f"{phase}_s": round(s, 3) for phase, s in seconds.items()})
    rows = data_rows(trace) if trace else 0
    if seconds and rows:
        figures["rows_per_s"] = round(rows / sum(seconds.values()), 1)
    return figures


def drift_of(metadata: Mapping[str, dg.MetadataValue]) -> TableColumns:
    value = metadata.get("schema_new_columns")
    return dict(value.value) if value is not None and isinstance(value.value, dict) else {}
