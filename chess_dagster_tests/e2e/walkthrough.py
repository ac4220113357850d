"""The README and the docs pages as a script: their marked blocks, run in order in one shell, each
output compared.

A block runs when an HTML comment (invisible on GitHub) marks it:

    <!-- walkthrough -->                    the next ```bash block runs; every command must succeed
    <!-- walkthrough: errors expected -->   it runs; its commands may fail (what they print is compared)
    <!-- walkthrough: sql -->               the next ```sql block runs on data/chess.duckdb; each
                                            statement must return rows
    <!-- walkthrough: output -->            the next block is what the step before it prints: each line,
                                            in order, is found in its output (`...` or `…` stand for
                                            anything; a line may leave out a timestamp before it)
    <!-- walkthrough: output, vary "s left" -->   lines holding that text depend on the machine's
                                            speed and are not compared
    <!-- walkthrough: run by <file> -->     the next block needs what one shell cannot give (a
                                            PostgreSQL server, the demo's servers): the file named,
                                            a test or CI's script, reads the block from its page and
                                            runs it (`blocks_run_by`); ` and ` joins several files

Every ```bash and ```sql block of the README and the docs pages carries one of these markers.

The blocks run in one bash process, as a reader types them into one terminal: what a block exports
or starts in the background is there for the next. Why not mktestdocs or byexample: mktestdocs runs
each block in its own process and compares no output; byexample needs a `$ ` prompt on every
command line of the README and drives an interactive terminal (pexpect).
"""

from __future__ import annotations

import contextlib
import os
import re
import shlex
import signal
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from chess_dagster.lib.settings import PROJECT_ROOT

MARKER = re.compile(r"<!-- walkthrough(?::\s*(?P<kind>[^>]*?))?\s*-->")
FENCE = re.compile(r"^```(\w*)[^\n]*\n(?P<body>.*?)^```", re.MULTILINE | re.DOTALL)
RUN_BY = "run by "
COMMAND_LANGUAGES = ("bash", "sql")
VARY = re.compile(r'vary "([^"]+)"')
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
ERROR_MARK = "walkthrough: exit"
# Library log lines no command of the README may print by default (alembic's, dlt's column warning,
# Dagster's warning for a deprecated argument).
NOISE = (
    "Context impl SQLiteImpl",
    "Running stamp_revision",
    "did not receive any data",
    "SupersessionWarning",
)
SQL_RUNNER = ".venv/bin/python -m chess_dagster_tests.e2e.walkthrough_sql"
# What a new user's terminal has: no virtualenv, Dagster home or chess settings of the test session.
SHELL_VARIABLES = (
    "PATH",
    "HOME",
    "LANG",
    "LC_ALL",
    "USER",
    "PIP_CACHE_DIR",
    "PIP_INDEX_URL",
    "UV_CACHE_DIR",
    "UV_INDEX_URL",
)


@dataclass
class Step:
    """One runnable block of the README and what the README says it prints."""

    line: int  # where the block starts in its page, 1-based
    kind: str  # "run", "errors expected" or "sql"
    body: str
    expected: list[str] = field(default_factory=list)
    vary: list[str] = field(default_factory=list)
    page: str = "README.md"

    @property
    def where(self) -> str:
        return f"{self.page} line {self.line}"


def read_steps(readme: str, page: str = "README.md") -> list[Step]:
    """The marked blocks of ``readme`` (the text of ``page``), in order, each output block attached
    to its step."""
    steps: list[Step] = []
    elsewhere = False  # the last block is run by another file: its output block is not a step's
    for kind, body, line, marker_line in _marked_blocks(readme, page):
        if kind.startswith("output"):
            if not steps and not elsewhere:
                raise ValueError(f"{page} line {marker_line}: output before any step")
            if not elsewhere:
                steps[-1].expected = [text for text in body.splitlines() if text.strip()]
                steps[-1].vary = VARY.findall(kind)
        elif kind in ("run", "errors expected", "sql"):
            steps.append(Step(line, kind, body, page=page))
        elif not kind.startswith(RUN_BY):
            raise ValueError(f"{page} line {marker_line}: unknown marker {kind!r}")
        elsewhere = kind.startswith(RUN_BY) or (elsewhere and kind.startswith("output"))
    return steps


def _marked_blocks(readme: str, page: str) -> Iterator[tuple[str, str, int, int]]:
    """Each marker's kind, the body of the block it marks, the block's line and the marker's."""
    for marker in MARKER.finditer(readme):
        fence = FENCE.search(readme, marker.end())
        if fence is None or readme[marker.end() : fence.start()].strip():
            raise ValueError(f"{page} line {_line(readme, marker.start())}: a marker not followed by a block")
        kind, body = (marker.group("kind") or "run").strip(), fence.group("body")
        yield kind, body, _line(readme, fence.start()), _line(readme, marker.start())


def blocks_run_by(page_text: str, page: str, runner: str) -> list[str]:
    """The bodies of ``page``'s blocks marked as run by ``runner`` (a path from the project root)."""
    return [
        body
        for kind, body, _, _ in _marked_blocks(page_text, page)
        if kind.startswith(RUN_BY) and runner in kind.removeprefix(RUN_BY).split(" and ")
    ]


def blocks_of(page: str, runner: str) -> list[str]:
    """What ``runner`` runs of ``page`` (both paths from the project root): its marked blocks."""
    return blocks_run_by((PROJECT_ROOT / page).read_text(), page, runner)


def new_user_environment(tmp_path: Path) -> dict[str, str]:
    """A new user's terminal: the shell's variables, none of the test session's settings, and the
    project's .venv not on PATH."""
    path = os.pathsep.join(
        part for part in os.environ["PATH"].split(os.pathsep) if not part.startswith(str(PROJECT_ROOT))
    )
    environment = {name: os.environ[name] for name in SHELL_VARIABLES if name in os.environ}
    # Its processes write the bytecode of what they import (no PYTHONDONTWRITEBYTECODE here), so
    # `make setup` need not compile every installed module first: the one change to its commands.
    return environment | {"PATH": path, "TMPDIR": str(tmp_path), "UV_COMPILE_BYTECODE": "0"}


def runners_named(page_text: str, page: str) -> set[str]:
    """The files ``page``'s markers say run its blocks elsewhere."""
    return {
        runner
        for kind, _, _, _ in _marked_blocks(page_text, page)
        if kind.startswith(RUN_BY)
        for runner in kind.removeprefix(RUN_BY).split(" and ")
    }


def unmarked_command_blocks(page_text: str) -> list[int]:
    """The lines of ```bash and ```sql blocks no marker stands before: commands nobody runs."""
    marked = {line for _, _, line, _ in _marked_blocks(page_text, "")}
    return [
        line
        for fence in FENCE.finditer(page_text)
        if fence.group(1) in COMMAND_LANGUAGES and (line := _line(page_text, fence.start())) not in marked
    ]


def _line(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def line_pattern(expected: str) -> re.Pattern[str]:
    """A README output line as a pattern: `...`/`…` and run ids match anything, spacing is loose."""
    pieces = re.split(rf"(\.\.\.|…|{UUID.pattern})", " ".join(expected.split()))
    pattern = "".join(_piece_pattern(piece) for piece in pieces)
    return re.compile(pattern)


def _piece_pattern(piece: str) -> str:
    if piece in ("...", "…"):
        return ".*"
    return UUID.pattern if UUID.fullmatch(piece) else re.escape(piece)


def mismatches(step: Step, output: str) -> list[str]:
    """What the page says ``step`` prints and ``output`` lacks: each line found in order."""
    actual = [" ".join(line.split()) for line in output.splitlines()]
    missing: list[str] = []
    position = 0
    for expected in step.expected:
        if any(text in expected for text in step.vary):
            continue
        pattern = line_pattern(expected)
        found = next((i for i in range(position, len(actual)) if pattern.search(actual[i])), None)
        if found is None:
            missing.append(expected)
        else:
            position = found + 1
    return missing


def failures(step: Step, output: str) -> list[str]:
    """Everything wrong with a step's run: a missing line, library noise, a command that failed
    where none may."""
    problems = [f"{step.where}: not printed: {line}" for line in mismatches(step, output)]
    noise = [line for line in output.splitlines() if _noise(line)]
    problems += [f"{step.where}: library noise: {line}" for line in noise]
    if step.kind != "errors expected":
        problems += [f"{step.where}: {line}" for line in output.splitlines() if line.startswith(ERROR_MARK)]
    return problems


def _noise(line: str) -> bool:
    return any(text in line for text in NOISE)


def driver_script(steps: list[Step], folder: Path) -> str:
    """One bash script running every step in turn in this shell, each step's output in its own file."""
    lines = [
        f"trap 'echo \"{ERROR_MARK} $? from: $BASH_COMMAND\"' ERR",
        "trap 'kill $(jobs -p) 2>/dev/null' EXIT",
    ]
    for number, step in enumerate(steps):
        source = folder / f"step-{number}.{'sql' if step.kind == 'sql' else 'sh'}"
        source.write_text(step.body)
        output = shlex.quote(str(folder / f"step-{number}.out"))
        runner = SQL_RUNNER if step.kind == "sql" else "source"
        command = f"{runner} {shlex.quote(str(source))}"
        lines.append(f"{{ {command}; }} > {output} 2>&1 < /dev/null")
    return "\n".join(lines) + "\n"


def run(steps: list[Step], cwd: Path, env: dict[str, str], folder: Path, timeout_s: float) -> list[str]:
    """Run ``steps`` in one bash process in ``cwd``; return each step's output."""
    script = folder / "walkthrough.sh"
    script.write_text(driver_script(steps, folder))
    shell = subprocess.Popen(
        ["bash", "--noprofile", "--norc", str(script)], cwd=cwd, env=env, start_new_session=True
    )
    try:
        shell.wait(timeout=timeout_s)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(shell.pid, signal.SIGKILL)  # what a step left running, also after a timeout
    outputs = [folder / f"step-{number}.out" for number in range(len(steps))]
    return [path.read_text() if path.exists() else "" for path in outputs]
