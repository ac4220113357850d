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
from dataclasses import dataclass, field
from pathlib import Path

MARKER = re.compile(r"<!-- walkthrough(?::\s*(?P<kind>[^>]*?))?\s*-->")
FENCE = re.compile(r"^```(\w*)[^\n]*\n(?P<body>.*?)^```", re.MULTILINE | re.DOTALL)
VARY = re.compile(r'vary "([^"]+)"')
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
ERROR_MARK = "walkthrough: exit"
# Library log lines no command of the README may print by default (alembic's, dlt's column warning).
NOISE = ("Context impl SQLiteImpl", "Running stamp_revision", "did not receive any data")
SQL_RUNNER = ".venv/bin/python -m chess_dagster_tests.e2e.walkthrough_sql"


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
    for marker in MARKER.finditer(readme):
        fence = FENCE.search(readme, marker.end())
        if fence is None or readme[marker.end() : fence.start()].strip():
            raise ValueError(f"{page} line {_line(readme, marker.start())}: a marker not followed by a block")
        kind = (marker.group("kind") or "run").strip()
        body = fence.group("body")
        if kind.startswith("output"):
            if not steps:
                raise ValueError(f"{page} line {_line(readme, marker.start())}: output before any step")
            steps[-1].expected = [line for line in body.splitlines() if line.strip()]
            steps[-1].vary = VARY.findall(kind)
        elif kind in ("run", "errors expected", "sql"):
            steps.append(Step(_line(readme, fence.start()), kind, body, page=page))
        else:
            raise ValueError(f"{page} line {_line(readme, marker.start())}: unknown marker {kind!r}")
    return steps


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
