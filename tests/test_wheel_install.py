"""The built wheel, installed non-editable, runs as the ``herbot`` console script from another folder."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_installed_wheel_runs_from_another_folder(tmp_path: Path) -> None:
    wheels, site = tmp_path / "wheels", tmp_path / "site"
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--quiet"]
    subprocess.run([*pip, "wheel", "--no-deps", "--no-build-isolation", "-w", wheels, ROOT], check=True, timeout=300)
    [wheel] = wheels.glob("herbot-*.whl")
    subprocess.run([*pip, "install", "--no-deps", "--target", site, wheel], check=True, timeout=300)
    # The wheel's packages come first on the path, ahead of the editable checkout; dependencies come from this venv.
    env = {**os.environ, "PYTHONPATH": str(site), "HERBOT_DATABASE_URL": f"sqlite:///{tmp_path / 'h.db'}"}
    where = subprocess.run(
        [sys.executable, "-c", "import bot, intents; print(bot.__file__, intents.__file__)"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert where.stdout.split() == [str(site / "bot" / "__init__.py"), str(site / "intents" / "__init__.py")]
    herbot = site / "bin" / "herbot"
    classify = subprocess.run(
        [herbot, "classify", "--json", "IHC 1+"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60
    )
    ask = subprocess.run(
        [herbot, "ask", "--json", "--conversation", "c1", "next patient: IHC 2+ ratio 1.4 copies 2.6 ER 95%"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    evaluated = subprocess.run(
        [herbot, "eval", "--blind"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
    )
    assert (classify.returncode, json.loads(classify.stdout)["her2_category"]) == (0, "low"), classify.stderr
    assert (ask.returncode, json.loads(ask.stdout)["classification"]["subtype"]) == (0, "HR+/HER2-"), ask.stderr
    assert (evaluated.returncode, "accuracy" in evaluated.stdout.lower(), ask.stderr) == (0, True, "")
