"""What every test shares: one PySD cache for the whole run, never the user's ``~/.cache/gmb``."""

import pytest


@pytest.fixture(scope="session", autouse=True)
def shared_pysd_cache(tmp_path_factory):
    """Each model is translated once per test run, into a temporary cache."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("GMB_CACHE_DIR", str(tmp_path_factory.mktemp("gmb-cache")))
        yield
