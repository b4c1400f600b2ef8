from django.db import migrations

from qinglian.audit.triggers import insert_only


class Migration(migrations.Migration):
    """History rows, like audit rows, are refused UPDATE, DELETE and TRUNCATE by the database itself."""

    dependencies = [("history", "0001_versions"), ("audit", "0005_insert_only")]
    operations = [*insert_only("history_version")]
