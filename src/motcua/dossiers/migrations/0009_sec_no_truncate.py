from django.db import migrations


def install(apps, schema_editor):
    """The append-only triggers again, now with the one refusing TRUNCATE (PostgreSQL; SQLite has no
    TRUNCATE). Idempotent."""
    from motcua.dossiers.events import install_append_only_triggers

    install_append_only_triggers(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0008_ordering_by_dossier_column")]
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
