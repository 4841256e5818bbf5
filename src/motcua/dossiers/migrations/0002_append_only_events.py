from django.db import migrations


def install(apps, schema_editor):
    from motcua.dossiers.events import install_append_only_triggers

    install_append_only_triggers(schema_editor)


def remove(apps, schema_editor):
    from motcua.dossiers.events import drop_append_only_triggers

    drop_append_only_triggers(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0001_initial")]
    operations = [migrations.RunPython(install, remove)]
