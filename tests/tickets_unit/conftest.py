from datetime import datetime

import pytest

from bot.services.reference.data import Reference
from tests.tickets_unit.helpers import NOW, REFERENCE


@pytest.fixture
def ref() -> Reference:
    return REFERENCE


@pytest.fixture
def now() -> datetime:
    return NOW
