"""What a dlt load changed, as Dagster metadata and as history tables in the warehouse.

After each load, as in dlt's chess production example, the load info, the run's trace (dlt drops
secret config values from it) and the schema updates are loaded beside the data as ``_load_info``,
``_trace`` and ``_new_tables``, with what the source learnt (``players_archives``,
``players_profiles_fetched``): one extra, small dlt load per run that changed something (a warm run
that loaded no rows and learnt nothing writes none).

Every materialization also carries what its load cost (``load_figures``): requests by status,
bytes, requests in flight, seconds per dlt phase, rows per second; numbers, so the asset's page
plots them across runs.

A schema update to a table that already existed before the load is *drift* (``schema_new_columns``
on the materialization, what the Slack sensor reports); an update that creates a table is the
baseline of the first load and is recorded, not reported.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

import dagster as dg
import dlt
from dlt.common.pipeline import LoadInfo
from dlt.common.schema.typing import TDataType, TTableSchemaColumns
from dlt.extract import DltResource
from dlt.pipeline.trace import PipelineTrace

from chess_dagster.lib.client import RequestStats
from chess_dagster.lib.progress import PHASES
from chess_dagster.lib.warehouse import loader_file_format

# Columns per table: {"players_games": {"termination": "text"}}
TableColumns = dict[str, dict[str, str]]


def schema_update_for(load_info: LoadInfo, table: str) -> TableColumns:
    """New tables and columns the load made for ``table`` and its child tables."""
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
    """Materialization metadata: load id, stored schema hash, the update and the drift within it."""
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


def data_rows(trace: PipelineTrace) -> int:
    """Rows the load wrote to data tables (not dlt's own state)."""
    normalized = trace.last_normalize_info
    counts = normalized.row_counts if normalized else {}
    return sum(rows for table, rows in counts.items() if not table.startswith("_dlt"))


def load_figures(requests: RequestStats, trace: PipelineTrace | None) -> dict[str, float | int]:
    """What the load cost, as numbers the asset's page plots across materializations: requests by
    status (every attempt, retries included), bytes received, the most requests in flight and the
    lowest in-flight limit (after 429s), and, when dlt ran, seconds per phase and rows per second."""
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


TEXT: TDataType = "text"


def _nullable(data_type: TDataType, *names: str) -> TTableSchemaColumns:
    """Types for fields of dlt's load info and trace that a successful load leaves empty: untyped,
    dlt cannot create them, and says so in a warning of nine lines per table when it makes the
    history tables (the first load into a warehouse)."""
    return {name: {"data_type": data_type, "nullable": True} for name in names}


def save_load_history(pipeline: dlt.Pipeline, load_info: LoadInfo, ledgers: Sequence[DltResource]) -> None:
    """Load ``_load_info``, ``_trace`` and ``_new_tables`` for ``load_info``, and the ``ledgers``'
    rows it learnt (``lib/ledgers.py``), in one small load after the data has landed.

    In the data's file format (parquet on DuckDB): as INSERT statements, the 24,000 archives of a
    1,000-player backfill took DuckDB 450 MiB to parse, the peak of the whole run."""
    trace = pipeline.last_trace
    new_tables = [package.asdict()["tables"] for package in load_info.load_packages]
    pipeline.run(
        [
            dlt.resource(
                [load_info],
                name="_load_info",
                columns=_nullable(
                    TEXT, "environment", "staging_name", "staging_type", "staging_displayable_credentials"
                ),
                nested_hints={
                    "load_packages": dlt.mark.make_nested_hints(columns=_nullable(TEXT, "refresh")),
                    "job_metrics": dlt.mark.make_nested_hints(columns=_nullable(TEXT, "remote_url")),
                },
            ),
            dlt.resource(
                [trace],
                name="_trace",
                nested_hints={
                    "steps": dlt.mark.make_nested_hints(
                        columns={**_nullable(TEXT, "step_exception"), **_nullable("json", "exception_traces")}
                    )
                },
            ),
            dlt.resource(new_tables, name="_new_tables"),
            *ledgers,
        ],
        # None (the destination's preference) is dlt's own default; its type hint leaves it out.
        loader_file_format=loader_file_format(pipeline.destination),  # type: ignore[arg-type]
    )


def drift_of(metadata: Mapping[str, dg.MetadataValue]) -> TableColumns:
    """The columns a load added to tables that existed before it (empty when it added none)."""
    value = metadata.get("schema_new_columns")
    return dict(value.value) if value is not None and isinstance(value.value, dict) else {}
