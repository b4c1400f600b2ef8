from django.db import migrations, models
import django.db.models.deletion


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("org", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="Refresh",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("day", models.DateField()),
                ("finished_at", models.DateTimeField()),
                ("cells", models.IntegerField(default=0)),
                ("seconds", models.FloatField(default=0)),
            ],
            options={
                "verbose_name": "看板刷新",
                "verbose_name_plural": "看板刷新",
                "get_latest_by": "finished_at",
            },
        ),
        migrations.CreateModel(
            name="Cell",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("day", models.DateField(help_text="状态类指标为截至当日；流量类指标为当月 1 日。")),
                ("metric", models.CharField(max_length=40)),
                ("key", models.CharField(max_length=40)),
                ("own", models.IntegerField(default=0)),
                ("subtree", models.IntegerField(default=0)),
                ("unit", models.ForeignKey(db_constraint=False, db_index=False,
                                           on_delete=django.db.models.deletion.DO_NOTHING, related_name="+",
                                           to="org.unit")),
            ],
            options={
                "verbose_name": "看板预汇总",
                "verbose_name_plural": "看板预汇总",
                "indexes": [models.Index(fields=["metric", "day", "key", "subtree"], name="dashboard_rank")],
                "constraints": [models.UniqueConstraint(fields=("unit", "metric", "day", "key"),
                                                        name="dashboard_one_cell")],
            },
        ),
    ]
