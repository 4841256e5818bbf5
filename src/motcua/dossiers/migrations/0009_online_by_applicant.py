from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0008_ordering_by_dossier_column")]

    operations = [
        migrations.AddIndex(
            model_name="dossier",
            index=models.Index(fields=["applicant_id_number", "id"], name="by_applicant"),
        ),
    ]
