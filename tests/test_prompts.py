"""Prompt versions in two folders: the shipped ones, and the user's own, where new versions are
written, tried and released (an installed package's folder belongs to pip)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from assay.cli import app
from assay.prompts import PROMPTS_DIR, PromptError, PromptLibrary

runner = CliRunner()


@pytest.fixture
def installed(tmp_path) -> PromptLibrary:
    """Shipped prompts as a wheel installs them (no project beside them), and an empty folder of the user's."""
    shipped = tmp_path / "site-packages" / "assay" / "data" / "prompts"
    shutil.copytree(PROMPTS_DIR, shipped)
    return PromptLibrary(own=tmp_path / "home" / "prompts", shipped=shipped)


@pytest.fixture
def checkout(tmp_path) -> PromptLibrary:
    """Shipped prompts in a source checkout: the project file and package beside them."""
    shipped = tmp_path / "repo" / "prompts"
    shutil.copytree(PROMPTS_DIR, shipped)
    (tmp_path / "repo" / "pyproject.toml").write_text("[project]\nname = 'assay'\n")
    (tmp_path / "repo" / "assay").mkdir()
    return PromptLibrary(own=tmp_path / "home" / "prompts", shipped=shipped)


def test_a_new_version_is_the_live_one_copied_into_the_users_folder_and_numbered_next(installed):
    live = installed.released()["summary"]
    made = installed.new_version("summary")
    assert made.path == installed.own / "summary" / f"v{int(live) + 1}.yaml" and made.own and not made.live
    text = made.path.read_text()
    assert yaml.safe_load(text)["version"] == made.version
    assert text.replace(f'version: "{made.version}"', f'version: "{live}"') == (installed.shipped / "summary" / f"v{live}.yaml").read_text()
    prompt = installed.load("summary", made.version)
    assert prompt.key == f"summary@{made.version}" and not prompt.live
    assert installed.load("summary").version == live and installed.load("summary").live  # not live until released
    again = installed.new_version("summary", source="2")  # from an older version, still numbered after every one on file
    assert again.version == str(int(made.version) + 1) and "summary@2" not in again.path.read_text()
    listed = {(v.name, v.version): v for v in installed.versions()}
    assert listed["summary", made.version].own and not listed["summary", live].own and listed["summary", live].live


def test_an_installed_packages_release_goes_to_the_users_folder_and_wins(installed):
    shipped_release = (installed.shipped / "release.yaml").read_bytes()
    made = installed.new_version("summary")
    (installed.shipped / "summary").chmod(0o555)  # site-packages is often not the user's to write
    written = installed.write_release(f"summary@{made.version}")
    assert written == installed.own / "release.yaml"
    assert installed.released()["summary"] == made.version and installed.load("summary").live
    assert installed.released()["answer"] == yaml.safe_load(shipped_release)["answer"]  # the rest still the shipped releases
    assert (installed.shipped / "release.yaml").read_bytes() == shipped_release
    # A shipped version released in an installed package is the user's release too: pip owns the shipped file.
    assert installed.write_release("summary@2") == installed.own / "release.yaml" and installed.released()["summary"] == "2"
    assert (installed.shipped / "release.yaml").read_bytes() == shipped_release
    assert installed.own.joinpath("release.yaml").read_text().count("summary:") == 1
    assert installed.pinned() == {"summary": ("2", yaml.safe_load(shipped_release)["summary"])}  # said by `assay prompts`


def test_a_checkouts_release_of_a_shipped_version_is_the_codes_and_the_users_own_gives_way(checkout):
    made = checkout.new_version("answer")
    assert checkout.write_release(f"answer@{made.version}") == checkout.own / "release.yaml"  # the user's file: never in git
    assert checkout.write_release("answer@2") == checkout.shipped / "release.yaml"
    assert yaml.safe_load((checkout.shipped / "release.yaml").read_text())["answer"] == "2"
    assert "# The live version" in (checkout.shipped / "release.yaml").read_text()  # its comments kept
    assert "answer" not in (yaml.safe_load((checkout.own / "release.yaml").read_text()) or {})  # else the user's release still won
    assert checkout.released()["answer"] == "2"


def test_a_users_file_that_takes_a_shipped_number_with_other_text_is_refused(installed):
    mine = installed.own / "summary" / "v2.yaml"
    mine.parent.mkdir(parents=True)
    shutil.copy(installed.shipped / "summary" / "v2.yaml", mine)
    assert installed.load("summary", "2").version == "2"  # the same text (a copied folder) is the same prompt
    mine.write_text(mine.read_text().replace("You are", "You, edited, are", 1))
    with pytest.raises(PromptError, match=r"has the number of a shipped prompt, summary@2, and other text: give it a version of its own"):
        installed.load("summary", "2")


def test_broken_prompt_files_name_the_file_and_the_fix(installed):
    folder = installed.own / "summary"
    folder.mkdir(parents=True)
    (folder / "v40.yaml").write_text("name: summary\nversion: \"40\"\nmessages: [oops\n")
    with pytest.raises(PromptError, match=r"v40.yaml is not valid YAML \(line \d+\).*fix the file"):
        installed.load("summary", "40")
    (folder / "v41.yaml").write_text("name: summary\nversion: \"41\"\n")
    with pytest.raises(PromptError, match=r"v41.yaml is no prompt file: description: Field required; fix the file"):
        installed.load("summary", "41")
    (folder / "v42.yaml").write_text((installed.shipped / "summary" / "v5.yaml").read_text())
    with pytest.raises(PromptError, match=r"v42.yaml says it is summary@5: its name and version must match its path"):
        installed.load("summary", "42")
    (folder / "v44.yaml").write_text((installed.shipped / "summary" / "v5.yaml").read_text().replace('version: "5"', 'version: "44"')
                                     .replace("schema: assay.analysis:SummaryReplyV5", "schema: assay.analysis:Nope"))
    with pytest.raises(PromptError, match=r"v44.yaml: schema 'assay.analysis:Nope' names no reply model .*; fix the file"):
        installed.load("summary", "44")
    shipped = (installed.shipped / "summary" / "v5.yaml").read_text().replace('version: "5"', 'version: "45"')
    (folder / "v45.yaml").write_text(shipped.replace("{body}", '{body} Answer as {"companies": []} does, dated {date}.', 1))
    with pytest.raises(PromptError, match=r'v45.yaml uses \{"companies"\}, \{date\}, which Assay does not fill for summary '
                                          r"\(it fills \{body\}, \{title\}\): write a literal brace as \{\{ or \}\}"):
        installed.load("summary", "45")
    with pytest.raises(PromptError, match=r"no prompt summary@43 in .*home/prompts or .*prompts \(on file: summary@1, .*\); `assay prompts new summary`"):
        installed.load("summary", "43")
    (installed.own / "release.yaml").write_text("summary: [\n")
    with pytest.raises(PromptError, match=r"release.yaml is not valid YAML"):
        installed.released()


@pytest.fixture
def cli_home(tmp_path, monkeypatch) -> Path:
    from assay.settings import get_settings

    monkeypatch.setenv("ASSAY_HOME", str(tmp_path / "home"))
    get_settings.cache_clear()
    yield tmp_path / "home"
    get_settings.cache_clear()


def test_prompts_commands_list_and_copy_into_the_home(cli_home):
    made = runner.invoke(app, ["prompts", "new", "summary"], catch_exceptions=False)
    assert made.exit_code == 0, made.output
    path = next((cli_home / "prompts" / "summary").glob("v*.yaml"))
    assert "wrote" in made.output and f"assay eval --prompt summary@{path.stem[1:]}" in " ".join(made.output.split())
    listed = runner.invoke(app, ["prompts", "--json"], catch_exceptions=False)
    rows = {(r["name"], r["version"]): r for r in __import__("json").loads(listed.stdout)}
    assert rows["summary", path.stem[1:]]["own"] and not rows["summary", path.stem[1:]]["live"]
    assert sum(r["live"] for r in rows.values() if r["name"] == "summary") == 1
    table = runner.invoke(app, ["prompts"], catch_exceptions=False)
    assert f"yours: {cli_home / 'prompts'}" in table.output and f"shipped: {PROMPTS_DIR}" in table.output
    (cli_home / "prompts" / "release.yaml").write_text('summary: "2"\n')
    pinned = " ".join(runner.invoke(app, ["prompts"], catch_exceptions=False).output.split())
    assert "summary: your release makes summary@2 live over the shipped release, summary@" in pinned
    unknown = runner.invoke(app, ["prompts", "new", "sumary"])
    assert unknown.exit_code != 0 and "no prompt named 'sumary': the prompts are answer, " in " ".join(str(unknown.exception).split())


def test_a_prompt_that_does_not_exist_fails_once_before_any_work(cli_home):
    from assay import api
    from assay.settings import get_settings

    result = runner.invoke(app, ["eval", "--prompt", "summary@99"], catch_exceptions=False)
    assert result.exit_code == 2 and "no prompt summary@99" in result.output and "assay prompts new summary" in " ".join(result.output.split())
    assert not (cli_home / "evals").exists()  # no eval corpus built for a prompt that is not there
    with pytest.raises(PromptError, match="no prompt says@7"):
        api.analyse(["0123"], get_settings(), prompt_overrides=["says@7"])


def test_a_released_version_whose_file_is_gone_names_the_release_file(installed):
    made = installed.new_version("summary")
    installed.write_release(f"summary@{made.version}")
    made.path.unlink()
    with pytest.raises(PromptError, match=rf"home/prompts/release.yaml makes summary@{made.version} live, and no such file is on file "
                                          r"\(on file: summary@1, .*\): put the file back, or name another version there"):
        installed.load_all()


def test_two_new_versions_at_once_take_two_numbers(installed, monkeypatch):
    """Two `assay prompts new summary` at once both see 6 free; the second to write takes 7, never over the first."""
    first = installed.new_version("summary")
    seen_before = PromptLibrary(shipped=installed.shipped).versions()  # what the second saw: not the first's file
    monkeypatch.setattr(PromptLibrary, "versions", lambda self: seen_before)
    second = installed.new_version("summary")
    assert int(second.version) == int(first.version) + 1 and f'version: "{first.version}"' in first.path.read_text()


def test_status_and_release_say_how_many_articles_keep_an_analysis_of_another_prompt_version(tmp_path, monkeypatch):
    """After a release (or an upgrade that ships one) the corpus keeps its analyses until `assay analyse --outdated`:
    nothing had said so, and `assay show` went on showing the old prompt's summary."""
    from assay import api
    from assay.prompts import prompt_library
    from assay.settings import Settings, get_settings
    from assay.store.registry import Registry
    from tests.views_corpus import views_articles

    settings = Settings(home=tmp_path / "home")
    live = prompt_library(settings).released()["summary"]
    registry = Registry(settings.registry_url)
    for i, (article, analysis) in enumerate(views_articles()[:3]):
        registry.record_article(article, chunk_count=0)
        old = {"summary": "3" if i else live, "says": prompt_library(settings).released()["says"]}
        registry.record_analysis(analysis.model_copy(update={"provenance": analysis.provenance.model_copy(update={"prompts": old})}), f"k{i}")
    registry.close()
    (drift,) = api.prompt_drift(settings)
    assert (drift.prompt, drift.live, drift.articles, drift.analysed, drift.versions) == ("summary", live, 2, 3, ["3"])
    assert drift.line() == (f"2 of 3 analysed articles were analysed with summary@3, and summary@{live} is live: "
                            "`assay analyse --outdated` analyses them again with it")
    monkeypatch.setenv("ASSAY_HOME", str(settings.home))
    get_settings.cache_clear()
    try:
        printed = CliRunner().invoke(app, ["status"])
    finally:
        get_settings.cache_clear()
    assert printed.exit_code == 0 and "2 of 3 analysed articles were analysed with summary@3" in printed.output
    assert api.prompt_drift(settings, ["says"]) == []


def test_status_says_when_your_release_keeps_a_prompt_older_than_the_shipped_release(tmp_path):
    from assay import api
    from assay.prompts import prompt_library
    from assay.settings import Settings

    settings = Settings(home=tmp_path / "home")
    shipped = prompt_library(settings).released()["summary"]
    older = str(int(shipped) - 1)
    assert not [w for w in api.status(settings).warnings if "your release" in w]
    (settings.home / "prompts").mkdir(parents=True)
    (settings.home / "prompts" / "release.yaml").write_text(f'summary: "{older}"\n')
    (warning,) = [w for w in api.status(settings).warnings if "your release" in w]
    assert warning.startswith(f"your release of summary@{older} ({settings.home / 'prompts' / 'release.yaml'}) keeps it live over the newer "
                              f"shipped release, summary@{shipped}: delete its line there")
    (settings.home / "prompts" / "release.yaml").write_text(f'summary: "{int(shipped) + 1}"\n')  # newer than the shipped one: as meant
    assert not [w for w in api.status(settings).warnings if "your release" in w]


def test_status_still_counts_with_a_broken_release_file_and_names_it(tmp_path):
    from assay import api
    from assay.settings import Settings

    settings = Settings(home=tmp_path / "home")
    (settings.home / "prompts").mkdir(parents=True)
    (settings.home / "prompts" / "release.yaml").write_text("summary: [5\n")
    status = api.status(settings)
    assert status.articles == 0 and any("release.yaml is not valid YAML (line 2)" in w for w in status.warnings)
