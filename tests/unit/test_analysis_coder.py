"""Whose codings the analyses count: the analysis_coder setting, else the busiest coder —
never the default coder just because they made one stray coding."""
import pytest

from qualbench.errors import QualbenchError

from ..conftest import INTERVIEW


@pytest.fixture
def two(project, write):
    project.import_files([write("P01.txt", INTERVIEW)])
    project.create_code("Sleep")
    for i in range(5):
        project.add_coding("P01", "Sleep", "me", 10 * i, 10 * i + 5)
    project.add_coding("P01", "Sleep", project.settings.default_coder, 0, 3)  # one stray coding
    return project


def test_the_busiest_coder_counts_not_the_one_typing(two):
    assert two.settings.default_coder == "coder_a"
    assert two.default_analysis_coder() == "me"
    assert two.analysis_set().label == "me"
    assert len(two.analysis_set().codings) == 5


def test_the_setting_decides_when_given(two):
    two.settings.analysis_coder = "coder_a"
    assert two.analysis_set().label == "coder_a" and len(two.analysis_set().codings) == 1
    two.settings.analysis_coder = "nobody"
    with pytest.raises(QualbenchError, match="no coder 'nobody'"):
        two.analysis_set()


def test_the_setting_is_read_from_the_file(two):
    from qualbench import settings as settings_mod
    path = two.path / settings_mod.SETTINGS_FILE
    path.write_text(path.read_text(encoding="utf-8").replace('analysis_coder = ""', 'analysis_coder = "me"'),
                    encoding="utf-8")
    assert settings_mod.load(two.path).analysis_coder == "me"
