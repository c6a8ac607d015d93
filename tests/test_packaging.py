"""The three places that name dependencies agree: pyproject ranges, constraints.txt pins
(what the Makefile installs), and environment.yml (what conda users install)."""

import re
import tomllib

import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.conftest import ROOT


def _pins(lines):
    pins = {}
    for line in lines:
        line = line.split("#")[0].strip()
        if "==" in line:
            name, version = line.split("==")
            pins[canonicalize_name(re.sub(r"\[.*\]", "", name))] = version.strip()
    return pins


#: Optional extras too large for the default environment (torch): pinned in constraints.txt,
#: left out of environment.yml.
LARGE_EXTRAS = {"semantic"}


def _declared(include_large: bool = True):
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    requirements = [Requirement(r) for r in project["dependencies"]]
    for name, extra in project["optional-dependencies"].items():
        if name in LARGE_EXTRAS and not include_large:
            continue
        requirements += [Requirement(r) for r in extra if not r.startswith("dyadlab")]
    return requirements


def test_constraints_satisfy_pyproject_ranges():
    pins = _pins((ROOT / "constraints.txt").read_text().splitlines())
    for requirement in _declared():
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{name} is in pyproject.toml but not pinned in constraints.txt"
        assert requirement.specifier.contains(pins[name], prereleases=True), (
            f"constraints.txt pins {name}=={pins[name]}, outside pyproject's {requirement}"
        )


def test_environment_yml_uses_the_same_pins():
    constraints = _pins((ROOT / "constraints.txt").read_text().splitlines())
    environment = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_section = next(d["pip"] for d in environment["dependencies"] if isinstance(d, dict))
    conda_pins = _pins(pip_section)
    for requirement in _declared(include_large=False):
        name = canonicalize_name(requirement.name)
        assert conda_pins.get(name) == constraints[name], (
            f"environment.yml pins {name}=={conda_pins.get(name)}, "
            f"constraints.txt {constraints[name]}"
        )
