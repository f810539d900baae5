import pytest

from assay.settings import Settings


def test_env_overrides_and_defaults(monkeypatch, tmp_path):
    monkeypatch.setenv("ASSAY_HOME", str(tmp_path))
    monkeypatch.setenv("ASSAY_CHUNK_SIZE", "700")
    settings = Settings()
    assert settings.home == tmp_path and settings.chunk_size == 700
    assert settings.registry_url == f"sqlite:///{tmp_path}/registry.sqlite"
    assert settings.chroma_path == tmp_path / "chroma"


def test_toml_file_under_home_and_env_wins(monkeypatch, tmp_path):
    (tmp_path / "assay.toml").write_text('chunk_size = 650\ndatabase_url = "postgresql://db/assay"\nfetch_retries = 5\n')
    monkeypatch.setenv("ASSAY_HOME", str(tmp_path))
    monkeypatch.setenv("ASSAY_FETCH_RETRIES", "1")
    settings = Settings()
    assert (settings.chunk_size, settings.registry_url, settings.fetch_retries) == (650, "postgresql://db/assay", 1)


def test_chroma_url_is_parsed(monkeypatch):
    monkeypatch.setenv("ASSAY_CHROMA_URL", "http://chroma.internal:8001")
    assert Settings().chroma_host_port == ("chroma.internal", 8001, False)


def test_every_setting_is_read_somewhere_outside_the_settings_module():
    """A documented setting that nothing reads is a promise the code does not keep (ASSAY_FETCH_CONCURRENCY
    did nothing once). A field counts as read where the package reads it, or a Settings property built on it."""
    import inspect
    import os
    import re
    from pathlib import Path

    import assay

    package = Path(assay.__file__).parent
    files = [Path(d, f) for d, _, names in os.walk(package, followlinks=True) for f in names]  # flows/, store/, evals/ are links
    sources = {p: p.read_text() for p in files if p.suffix == ".py" and p.name != "settings.py"}
    properties = {name: inspect.getsource(value.fget) for name, value in vars(Settings).items() if isinstance(value, property)}
    unread = []
    for field, info in Settings.model_fields.items():
        assert info.description, f"{field} has no description"
        carriers = {field} | {name for name, source in properties.items() if re.search(rf"\bself\.{field}\b", source)}
        if not any(re.search(rf"\.{name}\b", text) for name in carriers for text in sources.values()):
            unread.append(field)
    assert unread == []


def test_services_are_made_from_the_settings_passed(tmp_path):
    from assay.services import services

    settings = Settings(home=tmp_path / "home", embed_batch_size=3, chroma_collection="other")
    made = services(settings)
    assert made is services(settings.model_copy())  # one set per distinct settings and process
    assert made.embedder.batch_size == 3 and made.chunk_store.name == "other"
    assert made.registry.engine.url.database == str(tmp_path / "home" / "registry.sqlite")
    assert services(Settings(home=tmp_path / "elsewhere")) is not made


def test_models_are_shared_by_every_data_folder(monkeypatch, tmp_path):
    """The embedded model is installed once per machine, not once per ASSAY_HOME."""
    monkeypatch.delenv("ASSAY_MODELS_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    one, two = Settings(home=tmp_path / "a"), Settings(home=tmp_path / "b")
    assert one.models_dir == two.models_dir == tmp_path / "cache" / "assay" / "models"


def test_the_database_url_is_a_secret_wherever_settings_are_recorded():
    """Flows take the settings as a parameter and Prefect records parameters: a password must not be in them."""
    settings = Settings(database_url="postgresql+psycopg://assay:hunter2@db.internal/assay")
    assert "hunter2" not in settings.model_dump_json() and "hunter2" not in repr(settings)
    assert settings.registry_url == "postgresql+psycopg://assay:hunter2@db.internal/assay"


def test_a_data_folder_that_is_a_file_is_said_to_be_one(monkeypatch, tmp_path):
    """Seen here: ASSAY_HOME naming a file had failed as "FileExistsError: [Errno 17] File exists"."""
    import pytest

    from assay.settings import SettingsError, get_settings

    (tmp_path / "notes.txt").write_text("mine")
    for home, said in ((tmp_path / "notes.txt", "a file, not a folder"), (tmp_path / "notes.txt" / "assay", f"{tmp_path / 'notes.txt'} is a file, not a folder")):
        monkeypatch.setenv("ASSAY_HOME", str(home))
        get_settings.cache_clear()
        with pytest.raises(SettingsError) as bad:
            get_settings()
        assert str(bad.value) == f"ASSAY_HOME={str(home)!r}: {said} (a folder is made if missing): fix or unset the environment variable"
    assert (tmp_path / "notes.txt").read_text() == "mine"
    monkeypatch.setenv("ASSAY_HOME", str(tmp_path / "new" / "home"))  # missing: made when first used
    get_settings.cache_clear()
    assert get_settings().home == tmp_path / "new" / "home"
    get_settings.cache_clear()


def test_a_setting_that_cannot_be_read_is_named_with_where_to_fix_it(monkeypatch, tmp_path):
    import pytest

    from assay.cli import fault_line
    from assay.settings import SettingsError, get_settings

    monkeypatch.setenv("ASSAY_HOME", str(tmp_path))
    monkeypatch.setenv("ASSAY_ASK_K", "abc")
    get_settings.cache_clear()
    with pytest.raises(SettingsError) as bad_env:
        get_settings()
    assert fault_line(bad_env.value).startswith("ASSAY_ASK_K='abc': Input should be a valid integer")
    assert fault_line(bad_env.value).endswith(": fix or unset the environment variable")

    monkeypatch.delenv("ASSAY_ASK_K")
    (tmp_path / "assay.toml").write_text('ask_k = "many"\n')
    get_settings.cache_clear()
    with pytest.raises(SettingsError, match=rf"^ask_k in {tmp_path / 'assay.toml'}: .*fix it there \(ASSAY_ASK_K overrides it\)$"):
        get_settings()

    (tmp_path / "assay.toml").write_text("ask_k = [\n")
    get_settings.cache_clear()
    with pytest.raises(SettingsError, match=rf"^{tmp_path / 'assay.toml'} is not valid TOML \(.*\): fix it, or remove it"):
        get_settings()
    get_settings.cache_clear()


def test_the_who_did_what_check_is_turned_off_by_name(monkeypatch):
    from assay.settings import Settings

    assert Settings().prose_names_margin == 0.25
    for off in ("off", "", "None"):
        monkeypatch.setenv("ASSAY_PROSE_NAMES_MARGIN", off)
        assert Settings().prose_names_margin is None
    monkeypatch.setenv("ASSAY_PROSE_NAMES_MARGIN", "0.5")
    assert Settings().prose_names_margin == 0.5


def test_a_misspelt_setting_is_named_with_the_one_meant(monkeypatch, tmp_path, capsys):
    """`ask_kk = 3` in assay.toml, ASSAY_LLM_MODLE in the environment, an `[ask]` table: each had been ignored
    without a word, the default used instead. Each is now a warning before the command runs."""
    from assay.cli import main
    from assay.settings import get_settings, unknown_settings

    (tmp_path / "assay.toml").write_text('ask_kk = 3\nchunk_size = 650\n[ask]\nk = 4\n')
    monkeypatch.setenv("ASSAY_HOME", str(tmp_path))
    monkeypatch.setenv("ASSAY_LLM_MODLE", "gpt-4o")
    monkeypatch.setenv("ASSAY_DEBUG", "")  # read by the CLI, not a setting: no warning
    monkeypatch.setenv("ASSAY_ZZZ", "1")
    assert unknown_settings() == [
        "ASSAY_LLM_MODLE names no setting (did you mean ASSAY_LLM_MODEL?): it is ignored",
        "ASSAY_ZZZ names no setting: it is ignored",
        f"ask_kk in {tmp_path / 'assay.toml'} is no setting (did you mean ask_k?): it is ignored",
        f"[ask] in {tmp_path / 'assay.toml'} is a table, and settings are top-level keys (write ask_k = … above every table): it is ignored",
    ]
    get_settings.cache_clear()
    try:
        with pytest.raises(SystemExit) as exited:
            main(["prompts", "--json"])  # any command: the warnings come first, and the command runs
    finally:
        get_settings.cache_clear()
    assert exited.value.code == 0
    printed = capsys.readouterr()
    assert " ".join(printed.err.split()).count("warning:") == 4 and '"name": "summary"' in printed.out
    (tmp_path / "assay.toml").write_text("chunk_size = 650\n")
    monkeypatch.delenv("ASSAY_LLM_MODLE")
    monkeypatch.delenv("ASSAY_ZZZ")
    assert unknown_settings() == []
