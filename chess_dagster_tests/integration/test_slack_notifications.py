"""Schema drift and failed runs reach Slack exactly once; the webhook URL reaches nothing else."""

import dagster as dg
import duckdb
import pytest

from chess_dagster.definitions import defs
from chess_dagster.defs.alerts.sensors import run_failure_to_slack, schema_drift_sensor
from chess_dagster.defs.resources import SlackWebhook
from fixture.slack_receiver import running_slack_receiver

TOKEN = "T000/B000/very-secret-token-42"


@pytest.fixture
def slack(monkeypatch):
    with running_slack_receiver() as receiver:
        monkeypatch.setenv("RUNTIME__SLACK_INCOMING_HOOK", receiver.webhook_url(TOKEN))
        yield receiver


@pytest.fixture
def load_games(api_env, resources, instance):
    job = defs.resolve_implicit_global_asset_job_def().get_subset(
        asset_selection={dg.AssetKey(["chess", "players_games"])}
    )

    def load(partition_key=None, drift=False, tags=None):
        api_env.state.configure({"drift": drift})
        return job.execute_in_process(
            instance=instance,
            resources=resources,
            partition_key=partition_key,
            tags=tags,
            raise_on_error=False,
        )

    return load


class Ticker:
    """Evaluates a sensor the way the daemon does: each tick starts from the last cursor."""

    def __init__(self, instance, sensor=schema_drift_sensor):
        self.instance, self.sensor, self.cursor = instance, sensor, None

    def tick(self):
        with dg.build_sensor_context(  # a context manager: the instance it opens closes with it
            instance=self.instance, cursor=self.cursor, resources={"slack": SlackWebhook()}
        ) as context:
            result = self.sensor(context)
            self.cursor = context.cursor
        return result


def test_drift_posts_one_message_naming_the_new_column(either_warehouse, slack, load_games, instance):
    ticker = Ticker(instance)
    load_games("2022-08")  # a baseline with every optional field 2022-10 has
    assert ticker.tick().skip_message.startswith("posted 0")  # the first load is the baseline
    load_games("2022-10", drift=True)
    ticker.tick()
    assert len(slack.posts) == 1
    text = slack.posts[0]["text"]
    assert "`chess/players_games` (partition 2022-10)" in text
    assert "New columns in `players_games`: `termination` (text)" in text
    assert "/runs/" in text


def test_no_drift_posts_nothing(either_warehouse, slack, load_games, instance):
    ticker = Ticker(instance)
    load_games("2022-08")  # a baseline with every optional field 2022-10 has
    load_games("2022-10")
    ticker.tick()
    assert slack.posts == []


def test_a_second_tick_after_delivery_posts_nothing(slack, load_games, instance):
    ticker = Ticker(instance)
    load_games("2022-08")  # a baseline with every optional field 2022-10 has
    load_games("2022-10", drift=True)
    ticker.tick()
    assert ticker.tick().skip_message == "no new chess materializations"
    assert len(slack.posts) == 1


def test_slack_down_then_up_delivers_the_change_once(slack, load_games, instance):
    ticker = Ticker(instance)
    load_games("2022-08")  # a baseline with every optional field 2022-10 has
    load_games("2022-10", drift=True)
    slack.status = 503
    assert "will retry" in ticker.tick().skip_message
    assert TOKEN not in ticker.tick().skip_message
    slack.status = 200
    ticker.tick()
    ticker.tick()
    assert len(slack.posts) == 1 and "termination" in slack.posts[0]["text"]


def test_a_backfill_range_with_drift_posts_one_message_for_all_its_months(slack, load_games, instance):
    ticker = Ticker(instance)
    load_games("2022-08")  # a baseline with every optional field 2022-10 has
    load_games(
        tags={
            "dagster/asset_partition_range_start": "2022-01",
            "dagster/asset_partition_range_end": "2022-03",
        },
        drift=True,
    )
    ticker.tick()
    assert len(slack.posts) == 1
    assert "(partition 2022-01...2022-03)" in slack.posts[0]["text"]


def test_without_a_webhook_the_sensor_skips_with_a_reason(api_env, monkeypatch, instance):
    monkeypatch.delenv("RUNTIME__SLACK_INCOMING_HOOK", raising=False)
    result = Ticker(instance).tick()
    assert result.skip_message.startswith("no Slack webhook configured")


@pytest.fixture
def failing_load(monkeypatch, load_games):
    def load():
        monkeypatch.setenv("SOURCES__CHESS__PLAYERS", '["no_such_player_xyz"]')
        assert not load_games("2022-10").success

    return load


def test_a_failed_run_posts_its_one_line_reason(slack, failing_load, instance):
    ticker = Ticker(instance, run_failure_to_slack)
    assert ticker.tick().skip_message == "watching for failed runs from now on"
    failing_load()
    ticker.tick()
    assert len(slack.posts) == 1
    assert ":x: *Run failed*" in slack.posts[0]["text"]
    assert "no player 'no_such_player_xyz'" in slack.posts[0]["text"]
    assert "Traceback" not in slack.posts[0]["text"]


def test_failures_before_the_sensor_started_are_not_posted(slack, failing_load, instance):
    failing_load()
    ticker = Ticker(instance, run_failure_to_slack)
    ticker.tick()
    assert ticker.tick().skip_message == "posted 0 failed run(s)"
    assert slack.posts == []


def test_a_run_that_fails_while_slack_is_down_is_posted_once_slack_is_back(slack, failing_load, instance):
    ticker = Ticker(instance, run_failure_to_slack)
    ticker.tick()
    failing_load()
    slack.status = 503
    skip = ticker.tick().skip_message
    assert skip == "posted 0 failed run(s); Slack webhook answered HTTP 503; will retry"
    assert TOKEN not in skip
    slack.status = 200
    ticker.tick()
    ticker.tick()
    assert len(slack.posts) == 1 and "no_such_player_xyz" in slack.posts[0]["text"]


def all_text_in_duckdb(path):
    with duckdb.connect(path, read_only=True) as connection:
        columns = connection.execute(
            "select table_schema, table_name, column_name from information_schema.columns "
            "where data_type = 'VARCHAR'"
        ).fetchall()
        return "\n".join(
            str(value)
            for schema, table, column in columns
            for (value,) in connection.execute(f'select "{column}" from "{schema}"."{table}"').fetchall()
        )


def test_the_webhook_url_never_reaches_logs_metadata_or_duckdb(
    slack, load_games, instance, duckdb_path, caplog
):
    ticker = Ticker(instance)
    load_games("2022-08")  # a baseline with every optional field 2022-10 has
    load_games("2022-10", drift=True)
    ticker.tick()
    assert len(slack.posts) == 1
    history = all_text_in_duckdb(duckdb_path)
    assert "slack_incoming_hook" in history  # dlt resolved the secret during the load and traced its key...
    assert "very-secret-token" not in history  # ...but not its value
    events = [str(e) for run in instance.get_runs() for e in instance.all_logs(run.run_id)]
    assert not any("very-secret-token" in event for event in events)
    assert "very-secret-token" not in caplog.text
