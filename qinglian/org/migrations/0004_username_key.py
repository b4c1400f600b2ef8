"""Usernames unique after NFKC and case folding (issue 11): fill `username_key` for existing accounts.

Existing rows that clash stop the migration with their names: which account to rename is a person's decision,
not the migration's. The unique constraint follows in 0005 (separate transactions on PostgreSQL).
"""

import unicodedata

from django.db import migrations, models


def _key(username):
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", str(username)).strip().casefold())


def fill_username_keys(apps, schema_editor):
    User = apps.get_model("org", "User")
    groups = {}
    for pk, username in User.objects.values_list("pk", "username"):
        groups.setdefault(_key(username), []).append(username)
    clashes = [names for names in groups.values() if len(names) > 1]
    if clashes:
        listed = "；".join("、".join(sorted(names)) for names in clashes)
        raise RuntimeError(
            f"以下账号的用户名只差大小写或全角半角，升级后将视为同一用户名：{listed}。"
            "请先给其中的账号改名（或停用并改名），再重新运行 qinglian migrate。"
        )
    for pk, username in User.objects.values_list("pk", "username"):
        User.objects.filter(pk=pk).update(username_key=_key(username))


class Migration(migrations.Migration):

    dependencies = [
        ("org", "0003_accounts_three_admins"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="username_key",
            field=models.CharField(editable=False, max_length=150, null=True, verbose_name="用户名（规范化）"),
        ),
        migrations.RunPython(fill_username_keys, migrations.RunPython.noop),
    ]
