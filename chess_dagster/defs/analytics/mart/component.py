"""dagster-dbt's ``DbtProjectComponent``, able to find the dbt installed beside this Python."""

import os
import shutil
import sys
from pathlib import Path

import dagster as dg
from dagster_dbt import DbtProjectComponent


class ChessDbtProjectComponent(DbtProjectComponent):
    """The dbt project component, with this environment's ``dbt`` on PATH.

    The component makes its ``DbtCliResource`` itself, which looks ``dbt`` up on PATH; a code
    server, ``chess-load`` or ``dg launch`` started by its path (systemd, cron, no activated
    virtualenv) has none there, and every run of the mart failed. dbt-core is installed beside
    this Python, so its folder goes on PATH when no ``dbt`` is found.
    """

    def build_defs_from_state(
        self, context: dg.ComponentLoadContext, state_path: Path | None
    ) -> dg.Definitions:
        if shutil.which("dbt") is None:
            os.environ["PATH"] = os.pathsep.join(
                [str(Path(sys.executable).parent), os.environ.get("PATH", "")]
            )
        return super().build_defs_from_state(context, state_path)
