"""Unique normalised usernames, and failures counted in one row per username and per client address
(LoginThrottle, replacing the per-attempt rows: the audit trail keeps every attempt), with the per-address
throttle's policy fields (issue 11)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("org", "0004_username_key"),
    ]

    operations = [
        migrations.AlterField(
            model_name="user",
            name="username_key",
            field=models.CharField(
                editable=False, max_length=150, unique=True, verbose_name="用户名（规范化）",
                help_text="用户名经 NFKC 规范化和大小写折叠后的形式：只差大小写或全角半角的用户名视为同一个。",
            ),
        ),
        migrations.AddField(
            model_name="securitypolicy",
            name="address_failure_limit",
            field=models.PositiveSmallIntegerField(
                default=30, verbose_name="同一地址失败次数上限",
                help_text="同一来源地址（不论用户名）在时间窗内失败这么多次，即暂停受理该地址的登录。"),
        ),
        migrations.AddField(
            model_name="securitypolicy",
            name="address_window_minutes",
            field=models.PositiveSmallIntegerField(default=15, verbose_name="地址失败计数时间窗（分钟）"),
        ),
        migrations.AddField(
            model_name="securitypolicy",
            name="address_block_minutes",
            field=models.PositiveSmallIntegerField(default=15, verbose_name="地址暂停时长（分钟）"),
        ),
        migrations.AlterField(
            model_name="securitypolicy",
            name="failure_limit",
            field=models.PositiveSmallIntegerField(default=5, verbose_name="连续失败次数上限",
                                                   help_text="同一用户名连续失败这么多次即锁定。"),
        ),
        migrations.DeleteModel(name="LoginFailure"),
        migrations.CreateModel(
            name="LoginThrottle",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("kind", models.CharField(choices=[("username", "用户名"), ("address", "来源地址")], max_length=10,
                                          verbose_name="类型")),
                ("key", models.CharField(max_length=150, verbose_name="用户名或地址")),
                ("failures", models.PositiveIntegerField(default=0, verbose_name="时间窗内失败次数")),
                ("window_start", models.DateTimeField(blank=True, null=True, verbose_name="本时间窗首次失败时间")),
                ("locked_until", models.DateTimeField(blank=True, null=True, verbose_name="锁定至")),
            ],
            options={"verbose_name": "登录失败计数", "verbose_name_plural": "登录失败计数"},
        ),
        migrations.AddConstraint(
            model_name="loginthrottle",
            constraint=models.UniqueConstraint(fields=("kind", "key"), name="one_throttle_row_per_key"),
        ),
    ]
