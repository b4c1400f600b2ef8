"""The database itself refuses UPDATE, DELETE and TRUNCATE of audit entries, and the deletion of the chain head
(whose one row is updated by every append); see qinglian/audit/triggers.py. Hand-written."""

from django.db import migrations

from qinglian.audit.triggers import insert_only, no_delete


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0004_more_actions"),
    ]

    operations = [
        *insert_only("audit_auditentry"),
        *no_delete("audit_chainhead"),
    ]
