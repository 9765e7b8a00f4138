import os

from hypothesis import HealthCheck, settings

# CI runs on 2 cores: enough examples to find edge cases, bounded time.
# The default profile is deterministic (the same examples every run), so a CI
# run is reproducible; HYPOTHESIS_PROFILE=thorough explores new examples.
settings.register_profile("ci", max_examples=120, deadline=None, derandomize=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("thorough", max_examples=1000, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
# The quick loop (python -m pytest -m "not slow") draws fewer examples per property; the README's test
# command and CI draw the ci profile's 120.
settings.register_profile("quick", max_examples=30, deadline=None, derandomize=True,
                          suppress_health_check=[HealthCheck.too_slow])


def pytest_configure(config) -> None:
    if "HYPOTHESIS_PROFILE" not in os.environ and "not slow" in (config.getoption("markexpr") or ""):
        settings.load_profile("quick")
