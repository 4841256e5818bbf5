import pytest
from django.contrib.auth.models import User

from motcua.catalog.models import ProcedureVersion
from tests.factories import import_test_catalog


@pytest.fixture
def admin_client(client, small_network, tmp_path):
    import_test_catalog(tmp_path)
    client.force_login(User.objects.create_superuser("root", password="x-test-password"))
    return client


def step_form(version: ProcedureVersion, days: list[str]) -> dict:
    data = {
        "procedure": version.procedure_id,
        "version": version.version,
        "effective_from": version.effective_from.isoformat(),
        "legal_basis": version.legal_basis,
        "limit_amount": str(version.limit_amount),
        "limit_unit": version.limit_unit,
        "online_limit_amount": "",
        "online_limit_unit": "",
    }
    for prefix, related in (
        ("components", version.components),
        ("fees", version.fees),
        ("results", version.results),
    ):
        items = list(related.all())
        data.update({f"{prefix}-TOTAL_FORMS": len(items), f"{prefix}-INITIAL_FORMS": len(items)})
        for i, item in enumerate(items):
            data[f"{prefix}-{i}-id"] = item.pk
            data[f"{prefix}-{i}-version"] = version.pk
            for field in item._meta.concrete_fields:
                if field.name not in ("id", "version"):
                    value = getattr(item, field.attname)
                    data[f"{prefix}-{i}-{field.name}"] = (
                        "on" if value is True else ("" if value is False else value)
                    )
    steps = list(version.steps.all())
    data.update({"steps-TOTAL_FORMS": len(steps), "steps-INITIAL_FORMS": len(steps)})
    for i, (step, share) in enumerate(zip(steps, days, strict=True)):
        data.update(
            {
                f"steps-{i}-id": step.pk,
                f"steps-{i}-version": version.pk,
                f"steps-{i}-order": step.order,
                f"steps-{i}-name_vi": step.name_vi,
                f"steps-{i}-name_en": step.name_en,
                f"steps-{i}-performer": step.performer,
                f"steps-{i}-role": step.role,
                f"steps-{i}-days": share,
            }
        )
    return data


def test_admin_refuses_steps_that_do_not_add_up_to_the_limit(admin_client):
    version = ProcedureVersion.objects.get(procedure__code="1.001193")
    url = f"/admin/catalog/procedureversion/{version.pk}/change/"
    response = admin_client.post(url, step_form(version, ["0.25", "2", "0.25", "0"]))
    assert response.status_code == 200 and "add up to 2.5" in response.content.decode()
    assert [str(s.days.normalize()) for s in version.steps.all()] == ["0.25", "0.5", "0.25", "0"]
    response = admin_client.post(url, step_form(version, ["0.5", "0.25", "0.25", "0"]))
    assert response.status_code == 302
    assert [str(s.days.normalize()) for s in version.steps.all()] == ["0.5", "0.25", "0.25", "0"]
