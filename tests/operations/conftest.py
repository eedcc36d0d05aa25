from tests.surveys.conftest import open_wave

__all__ = ["open_wave"]
