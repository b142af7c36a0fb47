from tests.e2e.conftest import make_world  # noqa: F401 - the same sandbox + Pebble fixtures
