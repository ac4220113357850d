#!/usr/bin/env bash
# Offline demo: the fixture Chess.com API, players and last month loaded, its moves read and the mart
# built, then the Dagster UI and the dashboard.
# Run through `make demo` (it sets up .venv and DAGSTER_HOME first).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
FIXTURE_PORT=${FIXTURE_PORT:-8765}
SLACK_PORT=${SLACK_PORT:-8766}
DAGSTER_PORT=${DAGSTER_PORT:-3000}
DASHBOARD_PORT=${DASHBOARD_PORT:-8501}
# dg runs the project in its .venv; say it is the active one.
export VIRTUAL_ENV="$PWD/.venv"

export SOURCES__CHESS__CHESS_URL="http://127.0.0.1:${FIXTURE_PORT}/pub/"
export SOURCES__CHESS__MAX_PLAYERS=${SOURCES__CHESS__MAX_PLAYERS:-5}
export CHESS_DUCKDB_PATH=${CHESS_DUCKDB_PATH:-data/demo/chess.duckdb}
# Slack messages go to the local receiver: see them at http://127.0.0.1:$SLACK_PORT/_posts
export RUNTIME__SLACK_INCOMING_HOOK="http://127.0.0.1:${SLACK_PORT}/services/T000/B000/demo"
export DAGSTER_WEBSERVER_URL="http://127.0.0.1:${DAGSTER_PORT}"

"$BIN/python" -m fixture --port "$FIXTURE_PORT" &
fixture_pid=$!
"$BIN/python" -m fixture.slack_receiver --port "$SLACK_PORT" &
receiver_pid=$!
# On exit (Ctrl-C included) the servers it started stop before it returns.
trap 'kill "$fixture_pid" "$receiver_pid" 2>/dev/null || true; wait' EXIT
"$BIN/python" -m fixture.wait "http://127.0.0.1:${FIXTURE_PORT}/_fixture/stats"

last_month=$("$BIN/python" -c "import datetime as d; t=d.date.today().replace(day=1)-d.timedelta(days=1); print(t.strftime('%Y-%m'))")
echo "Loading the roster (players, profiles, stats) and ${last_month}'s games from the fixture API into ${CHESS_DUCKDB_PATH}"
"$BIN/dg" launch --job chess_roster_job
"$BIN/dg" launch --assets chess/players_games --partition "$last_month"
echo "Reading ${last_month}'s moves and building the dbt mart (chess_analytics), its tests as asset checks"
"$BIN/dg" launch --job chess_mart_job --partition "$last_month"

"$BIN/streamlit" run dashboard/app.py --server.port "$DASHBOARD_PORT" > /dev/null &
dashboard_pid=$!
trap 'kill "$fixture_pid" "$receiver_pid" "$dashboard_pid" 2>/dev/null || true; wait' EXIT
echo "Dagster UI: http://127.0.0.1:${DAGSTER_PORT}  dashboard: http://127.0.0.1:${DASHBOARD_PORT}"
echo "fixture API: ${SOURCES__CHESS__CHESS_URL}  Slack posts: http://127.0.0.1:${SLACK_PORT}/_posts"
"$BIN/dg" dev --host 127.0.0.1 --port "$DAGSTER_PORT"
