"""The project's own files: environment.yml agrees with pyproject.toml; the app is offline."""

import subprocess
import sys
import tomllib
from pathlib import Path

import yaml
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet

ROOT = Path(__file__).resolve().parents[1]


def test_environment_yml_agrees_with_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda = [d for d in env["dependencies"] if isinstance(d, str)]
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    python = next(d for d in conda if d.startswith("python"))
    version = python.split("=", 1)[1]
    assert version in SpecifierSet(project["requires-python"]), (version, project["requires-python"])
    assert "pip" in conda
    # pip installs the project itself, with the extras the Makefile installs
    assert pip == ["-e .[test,dist]"]
    extras = set(project["optional-dependencies"])
    assert {"test", "dist"} <= extras
    # nothing else is pinned in conda that pyproject does not know about
    names = {Requirement(r).name.lower() for r in project["dependencies"]}
    for dep in conda:
        name = dep.split("=")[0].split("<")[0].split(">")[0].strip().lower()
        assert name in {"python", "pip"} | names, f"environment.yml lists {name}, pyproject.toml does not"


def test_makefile_installs_the_same_extras():
    makefile = (ROOT / "Makefile").read_text()
    assert "-e '.[test,dist]'" in makefile


def test_streamlit_config_is_offline_and_local():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["browser"]["gatherUsageStats"] is False
    assert config["server"]["address"] == "127.0.0.1"
    assert config["server"]["port"] == 8501
    assert config["server"]["headless"] is True


def test_ruff_finds_nothing_and_the_code_is_formatted():
    """``ruff check`` and ``ruff format --check`` with the configuration in pyproject.toml (issue 14)."""
    ruff = [sys.executable, "-m", "ruff"]
    check = subprocess.run([*ruff, "check", "--no-cache", "."], cwd=ROOT, capture_output=True, text=True)
    assert check.returncode == 0, check.stdout[-3000:] + check.stderr[-1000:]
    formatted = subprocess.run(
        [*ruff, "format", "--check", "--no-cache", "."], cwd=ROOT, capture_output=True, text=True
    )
    assert formatted.returncode == 0, formatted.stdout[-3000:] + formatted.stderr[-1000:]
