"""The commands a Dagster user types (`dg check defs`, `dg list defs`, `dg launch`, `dg dev`) and the
project's own `chess-load`, run for real against the fixture API."""

import itertools
import json
import re
import shutil
import subprocess
import sys
import zipfile

import dagster as dg
import pytest

from chess_dagster.lib.settings import PROJECT_ROOT
from chess_dagster_tests.conftest import loaded_game_urls
from chess_dagster_tests.e2e.commands import CHESS_LOAD, DG

pytestmark = pytest.mark.e2e
NOT_SOURCE = (".venv", ".git", "data", "dagster_home", "build", "dist", "*.egg-info", "__pycache__")


def dg_cli(args, env, timeout=240):
    return subprocess.run(
        [DG, *args], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )


def test_dg_list_defs_lists_the_chess_assets_checks_jobs_schedules_and_sensors(dagster_env):
    result = dg_cli(["list", "defs", "--json"], dagster_env)
    assert result.returncode == 0, result.stderr[-2000:]
    listed = json.loads(result.stdout)
    assert {a["asset_key"] for a in listed["assets"]} == {
        "chess/players",
        "chess/players_profiles",
        "chess/players_stats",
        "chess/players_games",
        "chess/roster_members",
        "chess/clubs",
        "chess/countries",
        "chess/game_moves",
        "chess/game_facts",
        "chess/player_month_stats",
        "chess/openings",
        "chess/games",
        "chess/player_games",
        "chess/player_openings",
        "chess/rating_history",
        "chess/head_to_head",
        "chess/player_ratings",
        "chess/player_results",
        "chess/player_time_management",
        "chess/player_phases",
        "chess/opening_tree",
        "chess/player_rating_gap",
        "chess/coverage",
        "chess/roster",
        "chess/table_loads",
        "chess/players_archives",  # the ledger and dlt's loads: external, read by chess/coverage
        "chess/_dlt_loads",
    }
    assert {
        "chess/players_games:games_match_archives",
        "chess/game_moves:moves_read_whole",
        "chess/players:players_row_count",
        "chess/roster_members:players_on_a_list",
        "chess/openings:openings_scores_in_range",
        "chess/player_month_stats:player_month_stats_results_add_up",
        "chess/games:unique_games_url",
    } <= {c["key"] for c in listed["asset_checks"]}
    assert {j["name"] for j in listed["jobs"]} == {
        "chess_games_job",
        "chess_roster_job",
        "chess_source_job",
        "chess_checks",
        "chess_mart_job",
    }
    assert {s["name"] for s in listed["schedules"]} == {
        "current_month_games_schedule",
        "weekly_roster_schedule",
    }
    assert {s["name"] for s in listed["sensors"]} == {
        "schema_drift_sensor",
        "run_failure_to_slack",
        "freshness_checks_sensor",
        "chess_analytics_automation",
        "newcomers_history_sensor",
    }


def test_dg_launch_refuses_a_month_outside_the_partitions_and_loads_nothing(dagster_env, duckdb_path):
    month = "2031-01"
    result = dg_cli(["launch", "--assets", "chess/players_games", "--partition", month], dagster_env)
    assert result.returncode != 0
    assert f"containing the passed partition key `{month}`" in result.stderr
    assert loaded_game_urls(duckdb_path) == set()


def test_the_wheel_ships_the_code_location_without_test_support(tmp_path):
    # Built from a copy, so setuptools' build/ and egg-info folders stay out of the work tree.
    source = tmp_path / "source"
    shutil.copytree(PROJECT_ROOT, source, ignore=shutil.ignore_patterns(*NOT_SOURCE))
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", "dist", "."],
        cwd=source,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    (wheel,) = (source / "dist").glob("chess_dagster-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    modules = {name for name in names if name.endswith(".py")}
    assert (
        "chess_dagster/definitions.py" in modules and "chess_dagster/sources/chess_com/source.py" in modules
    )
    assert "chess_dagster/defs/analytics/mart/defs.yaml" in names
    assert "dashboard/app.py" in modules and "dashboard/views/player.py" in modules
    shipped = ("chess_dagster/", "dashboard/")
    assert not {m for m in modules if not m.startswith(shipped)}, (
        "only the code location and the dashboard ship"
    )
    assert not {m for m in modules if "fixture" in m or "crash" in m or "dagster_home" in m}


def chess_load(args, env):
    return subprocess.run(
        [CHESS_LOAD, *args], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=240
    )


@pytest.mark.parametrize("job", ["chess_games_job", "chess_roster_job", "chess_source_job", "chess_checks"])
def test_chess_load_and_make_check_run_the_code_locations_own_jobs(job):
    from chess_dagster.definitions import defs
    from chess_dagster.ingest_definitions import ingest_definitions

    ran = ingest_definitions().resolve_job_def(job)
    assert ran.get_job_snapshot_id() == defs.resolve_job_def(job).get_job_snapshot_id()


@pytest.mark.parametrize(
    ("months", "fix"),
    [
        ("2031-01", "has not started yet at Chess.com: the last games partition is"),
        ("2019-12", "set CHESS_START_MONTH=2019-12 to load it"),
        ("2022-13", "is not a month: write YYYY-MM"),
        ("2022-03...2022-01", "ends before it starts: write 2022-01...2022-03"),
    ],
)
def test_chess_load_refuses_a_month_outside_the_partitions_in_one_line(dagster_env, duckdb_path, months, fix):
    result = chess_load(["games", months], dagster_env)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [result.stderr.strip()]  # one line, no warnings, no trace
    assert fix in result.stderr
    assert loaded_game_urls(duckdb_path) == set()


def test_chess_load_tells_a_bad_setting_once_in_one_line_without_a_stack_trace(dagster_env, duckdb_path):
    result = chess_load(["games", "2022-10"], {**dagster_env, "SOURCES__CHESS__CHESS_URL": "ftp://nope"})
    assert result.returncode == 1
    output = result.stdout + result.stderr
    assert "Traceback" not in output and "Stack Trace" not in output
    assert output.count("is not an http(s) URL") == 1
    assert re.search(
        r"chess-load: run [0-9a-f-]+ failed: sources\.chess\.chess_url='ftp://nope' is not an http\(s\) "
        r"URL; set it to https://api\.chess\.com/pub/",
        result.stderr.splitlines()[-1],
    )
    assert loaded_game_urls(duckdb_path) == set()


def test_chess_load_tells_a_bad_platform_setting_in_one_line(dagster_env, duckdb_path):
    result = chess_load(["games", "2022-10"], {**dagster_env, "CHESS_RETRY_DELAY_S": "soon"})
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "chess-load: CHESS_RETRY_DELAY_S='soon' is not a float; unset it to use the default 15.0"
    )
    assert loaded_game_urls(duckdb_path) == set()


def test_chess_load_prints_each_dlt_line_once_through_dagsters_logger(dagster_env):
    result = chess_load(["games", "2022-01"], {**dagster_env, "RUNTIME__LOG_LEVEL": "INFO"})
    assert result.returncode == 0, result.stderr[-3000:]
    output = result.stdout + result.stderr
    normalizing = [line for line in output.splitlines() if line.endswith("Running file normalizing")]
    assert normalizing, "dlt's INFO lines are shown at RUNTIME__LOG_LEVEL=INFO"
    assert all(" - dagster - INFO - " in line for line in normalizing), normalizing
    assert not [line for line in output.splitlines() if "|dlt|" in line], "dlt's own handler printed"


def test_a_run_logs_dlt_records_only_at_dlts_configured_level(dagster_env, dagster_home):
    result = chess_load(["games", "2022-01"], dagster_env)  # .dlt/config.toml: log_level WARNING
    assert result.returncode == 0, result.stderr[-3000:]
    with dg.DagsterInstance.from_config(str(dagster_home)) as instance:
        (run,) = instance.get_runs()
        messages = [entry.user_message for entry in instance.all_logs(run.run_id)]
    assert "loading games for 1 month(s): 2022-01..2022-01" in messages
    dlt_info = [m for m in messages if m == "Running file normalizing" or m.startswith("Will load file")]
    assert not dlt_info, "dlt's INFO records reached the event log"


def test_chess_load_tells_how_far_the_extract_is_every_few_seconds_each_line_once(
    api_env, dagster_env, dagster_home
):
    api_env.state.configure({"latency_ms": 600})  # one request at a time: ~8 s of extract
    env = {**dagster_env, "SOURCES__CHESS__MAX_CONCURRENCY": "1"}

    result = chess_load(["games", "2022-01...2022-03"], env)

    assert result.returncode == 0, result.stderr[-3000:]
    with dg.DagsterInstance.from_config(str(dagster_home)) as instance:
        (run,) = instance.get_runs()
        logged = [
            (e.timestamp, e.user_message) for e in instance.all_logs(run.run_id) if not e.is_dagster_event
        ]
    extract = [(t, m) for t, m in logged if m.startswith("extract ")]
    assert len(extract) >= 3 and extract[-1][1].startswith("extract done in "), extract
    done_at, done = extract[-1]
    started = done_at - float(done.split(" done in ")[1].split(" s")[0])  # when dlt's extract began
    times = [started] + [t for t, _ in extract]
    assert max(b - a for a, b in itertools.pairwise(times)) <= 5.0, extract
    console = (result.stdout + result.stderr).splitlines()
    for _, message in extract:
        assert len([line for line in console if line.endswith(f" - chess_source - {message}")]) == 1, message
