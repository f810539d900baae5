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
