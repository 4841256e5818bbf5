"""The administrator sets up a unit's groups and counters; a counter can only serve its unit's groups."""

import pytest

from motcua.network.models import Unit
from motcua.tickets.models import Counter, ServiceGroup
from motcua.tickets.services import set_up_unit
from tests.factories import BRANCH_DT

pytestmark = pytest.mark.django_db


def test_a_counter_offers_only_its_units_groups(queue, admin_client):
    set_up_unit(unit=Unit.objects.get(code=BRANCH_DT), counters=1)
    counter = Counter.objects.get(unit=queue, number=1)
    page = admin_client.get(f"/admin/tickets/counter/{counter.pk}/change/").content.decode()
    start = page.index('id="id_groups"')
    page = page[start : page.index("</select>", start)]  # the groups' list only
    own = ServiceGroup.objects.filter(unit=queue)
    other = ServiceGroup.objects.exclude(unit=queue)
    assert all(f'value="{g.pk}"' in page for g in own)
    assert not any(f'<option value="{g.pk}"' in page for g in other)
    assert admin_client.get("/admin/tickets/servicegroup/").status_code == 200
