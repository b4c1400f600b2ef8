"""Seed the outlets units report to most often. Reversible: unseeding removes only unused seeded rows."""

from django.db import migrations

OUTLETS = [
    # (name, level, channel)
    ("人民日报", "central", "press"),
    ("新华社", "central", "press"),
    ("新华网", "central", "web"),
    ("人民网", "central", "web"),
    ("中国纪检监察报", "central", "press"),
    ("中央纪委国家监委网站", "central", "web"),
    ("学习强国", "central", "new_media"),
    ("中央广播电视总台", "central", "broadcast"),
    ("光明日报", "central", "press"),
    ("省日报", "provincial", "press"),
    ("省纪委监委网站", "provincial", "web"),
    ("学习强国省级平台", "provincial", "new_media"),
    ("省广播电视台", "provincial", "broadcast"),
    ("省新闻客户端", "provincial", "new_media"),
    ("省党建网", "provincial", "web"),
    ("市州日报", "city", "press"),
    ("市州融媒体中心客户端", "city", "new_media"),
    ("市州纪委监委网站", "city", "web"),
    ("市州广播电视台", "city", "broadcast"),
    ("县融媒体中心", "county", "new_media"),
    ("县纪委监委微信公众号", "county", "new_media"),
    ("县人民政府网站", "county", "web"),
    ("县广播电视台", "county", "broadcast"),
    ("县委宣传部微信公众号", "county", "new_media"),
]


def seed(apps, schema_editor):
    Outlet = apps.get_model("publicity", "Outlet")
    for order, (name, level, channel) in enumerate(OUTLETS, start=1):
        Outlet.objects.get_or_create(name=name, defaults={"level": level, "channel": channel, "order": order})


def unseed(apps, schema_editor):
    Outlet = apps.get_model("publicity", "Outlet")
    Outlet.objects.filter(name__in=[o[0] for o in OUTLETS], publications__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("publicity", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
