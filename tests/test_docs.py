"""The README documents every setting and both commands; the guide covers every figure."""

from pathlib import Path

import pytest

from lib.measures import MEASURES
from lib.settings import SETTINGS

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", [s.name for s in SETTINGS])
def test_every_setting_is_documented_in_the_readme(name):
    assert f"`{name}`" in README


@pytest.mark.parametrize("command", ["python3 dev.py start", "python3 dev.py test"])
def test_readme_gives_the_two_commands(command):
    assert command in README


def test_ci_runs_exactly_the_readme_test_command():
    assert "python3 dev.py test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


@pytest.mark.parametrize("measure", MEASURES, ids=lambda m: m.name)
def test_every_figure_has_words_in_both_languages(measure):
    assert measure.label_id and measure.label_en and measure.help_id and measure.help_en
    if measure.kind in ("rate", "median", "money_per_person"):
        assert measure.base, f"{measure.name} needs the count of people it rests on"


SPEC = ROOT.parent / "shared" / "spec" / "indicators.md"
# Names used in the indicator definitions -> the registry column that carries the figure.
SPEC_NAMES = {
    "enrollments": "enrollments", "participants": "participants", "completion rate": "completion_rate",
    "migrant share": "migrant_share", "followed up": "followed_up", "working rate": "working_rate",
    "relapse rate": "relapse_rate", "returned home": "returned_home", "median income": "median_income",
    "outcome mix": "outcome_share", "allocated, realized": "allocated_idr", "absorption rate": "absorption_rate",
    "cost per participant": "cost_per_participant", "cost per working participant": "cost_per_working",
}


@pytest.mark.skipif(not SPEC.exists(), reason="the indicator definitions are not beside the repository")
def test_every_defined_indicator_is_in_the_registry():
    names = {m.name for m in MEASURES}
    rows = [line.split("|")[1].strip() for line in SPEC.read_text(encoding="utf-8").splitlines()
            if line.startswith("| ") and not line.startswith("| indicator") and not line.startswith("|---")]
    assert rows, "no indicator rows were read"
    for row in rows:
        assert row in SPEC_NAMES, f"indicator '{row}' has no figure in lib/measures.py"
        assert SPEC_NAMES[row] in names
