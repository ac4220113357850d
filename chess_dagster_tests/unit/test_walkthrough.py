"""How the README walk-through reads the README and judges what its blocks printed."""

import pytest

from chess_dagster.lib.settings import PROJECT_ROOT
from chess_dagster_tests.e2e.walkthrough import (
    ERROR_MARK,
    Step,
    blocks_run_by,
    failures,
    mismatches,
    read_steps,
    runners_named,
    unmarked_command_blocks,
)

README = """\
Start it:

<!-- walkthrough -->
```bash
chess-load games 2022-01
```

It prints:

<!-- walkthrough: output, vary "s left" -->
```
extract 3 s: players 1/3, ~4 s left
chess-load: run 16d294bb-12cf-4782-8014-9c160d1db0e0 loaded 2022-01: 662 new or changed games
```

<!-- walkthrough: sql -->
```sql
select 1;
```

```bash
dg dev   # not marked: not run
```
"""

PRINTED = """\
2026-12-05 06:40:01 +0000 - chess_source - extract 2 s: players 0/3, ~9 s left
chess-load: run 0b6e7c4e-54b1-4c1e-9d0a-3e1f0f4f7a11 loaded 2022-01: 662 new or changed games
"""


def test_marked_blocks_become_steps_in_order_and_unmarked_ones_do_not():
    steps = read_steps(README)
    assert [(step.kind, step.body.strip()) for step in steps] == [
        ("run", "chess-load games 2022-01"),
        ("sql", "select 1;"),
    ]
    assert steps[0].line == 4


def test_an_output_block_belongs_to_the_step_before_it():
    step = read_steps(README)[0]
    assert step.expected[-1].startswith("chess-load: run 16d294bb")
    assert step.vary == ["s left"]


def test_an_unknown_marker_is_refused_naming_its_line():
    with pytest.raises(ValueError, match=r"README\.md line 1: unknown marker 'run twice'"):
        read_steps("<!-- walkthrough: run twice -->\n```bash\ntrue\n```\n")


def test_a_run_id_and_a_timestamp_before_a_line_match_and_varying_lines_are_skipped():
    assert mismatches(read_steps(README)[0], PRINTED) == []


def test_a_stale_figure_in_the_readme_is_reported():
    stale = PRINTED.replace("662 new", "0 new")
    assert mismatches(read_steps(README)[0], stale) == [
        "chess-load: run 16d294bb-12cf-4782-8014-9c160d1db0e0 loaded 2022-01: 662 new or changed games"
    ]


def test_an_ellipsis_stands_for_anything_within_a_line():
    step = Step(1, "run", "", expected=["loaded …: ... games"])
    assert mismatches(step, "loaded 2022-01...2022-03: 662 new or changed games\n") == []


def test_lines_must_come_in_the_order_the_readme_shows():
    step = Step(1, "run", "", expected=["second", "first"])
    assert mismatches(step, "first\nsecond\n") == ["first"]


def test_a_failed_command_fails_its_step_unless_errors_are_expected():
    printed = f"{ERROR_MARK} 2 from: chess-load games 2031-01\n"
    assert failures(Step(7, "run", ""), printed) == [f"README.md line 7: {printed.strip()}"]
    assert failures(Step(7, "errors expected", ""), printed) == []


def test_a_library_log_line_fails_its_step():
    printed = "Context impl SQLiteImpl.\n"
    expected = ["README.md line 3: library noise: Context impl SQLiteImpl."]
    assert failures(Step(3, "run", ""), printed) == expected


def test_the_readme_reads_in_one_sitting():
    readme = (PROJECT_ROOT / "README.md").read_text()
    assert len(readme.splitlines()) <= 400, "details go to docs/, the README links them"


ELSEWHERE = """\
<!-- walkthrough: run by chess_dagster_tests/e2e/test_demo.py and .ci/run -->
```bash
make demo
```

<!-- walkthrough: output -->
```
what the demo prints
```
"""


def test_a_block_run_by_other_files_is_no_step_and_each_file_finds_it():
    assert read_steps(ELSEWHERE) == []
    for runner in ("chess_dagster_tests/e2e/test_demo.py", ".ci/run"):
        assert blocks_run_by(ELSEWHERE, "README.md", runner) == ["make demo\n"]
    assert blocks_run_by(ELSEWHERE, "README.md", "chess_dagster_tests/e2e/test_team.py") == []


def test_an_unmarked_command_block_is_found():
    assert unmarked_command_blocks(README) == [21]


PAGES = [PROJECT_ROOT / "README.md", *sorted((PROJECT_ROOT / "docs").glob("*.md"))]


@pytest.mark.parametrize("page", PAGES, ids=lambda path: path.name)
def test_every_command_block_of_the_readme_and_the_docs_is_run(page):
    text = page.read_text()
    assert unmarked_command_blocks(text) == [], f"{page.name}: mark these blocks (walkthrough.py says how)"


@pytest.mark.parametrize("page", PAGES, ids=lambda path: path.name)
def test_a_block_run_elsewhere_is_read_from_its_page_or_held_verbatim_by_its_runner(page):
    name = page.relative_to(PROJECT_ROOT).as_posix()
    text = page.read_text()
    for runner in runners_named(text, name):
        source = (PROJECT_ROOT / runner).read_text()
        commands = [
            line.split("#")[0].strip()
            for body in blocks_run_by(text, name, runner)
            for line in body.splitlines()
            if line.split("#")[0].strip()
        ]
        assert name in source or any(command in source for command in commands), (name, runner)
