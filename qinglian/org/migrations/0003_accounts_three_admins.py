"""三员 for real (issue 11).

- No account is a Django superuser: the system admin reaches the admin site through explicit ModelAdmin
  permissions, so the superuser flag is cleared and the constraint that allowed it for the sysadmin goes.
- An account may hold no role (""): the system admin creates accounts, the security admin grants roles.
"""

from django.db import migrations, models

import qinglian.org.models


def clear_superusers(apps, schema_editor):
    apps.get_model("org", "User").objects.filter(is_superuser=True).update(is_superuser=False)


def restore_sysadmin_superusers(apps, schema_editor):
    apps.get_model("org", "User").objects.filter(role="sysadmin").update(is_superuser=True)


class Migration(migrations.Migration):

    dependencies = [
        ("org", "0002_drop_deleted_at_index"),
    ]

    operations = [
        migrations.AlterModelManagers(name="user", managers=[("objects", qinglian.org.models.AccountManager())]),
        migrations.RemoveConstraint(model_name="user", name="only_sysadmin_is_superuser"),
        migrations.RemoveConstraint(model_name="user", name="user_has_one_known_role"),
        migrations.AlterField(
            model_name="user",
            name="role",
            field=models.CharField(
                blank=True, default="", max_length=20, verbose_name="角色",
                choices=[("clerk", "录入员"), ("leader", "负责人"), ("supervisor", "监督员"),
                         ("sysadmin", "系统管理员"), ("secadmin", "安全管理员"), ("auditor", "审计管理员")],
                help_text="由安全管理员授予；未授予角色的账号不能访问任何页面。",
            ),
        ),
        migrations.AddConstraint(
            model_name="user",
            constraint=models.CheckConstraint(
                condition=models.Q(role__in=["", "clerk", "leader", "supervisor", "sysadmin", "secadmin", "auditor"]),
                name="user_has_one_known_role",
            ),
        ),
        migrations.RunPython(clear_superusers, restore_sysadmin_superusers),
    ]
