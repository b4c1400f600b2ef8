"""Problem classification (问题性质, 共性/个性, 整改类型, 原因剖析), and the standard natures and types.

The seeding is reversible: going back removes exactly these codes (refused by PROTECT if problems use them).
"""

import django.db.models.deletion
import django.db.models.manager
import qinglian.crypto.fields
from django.conf import settings
from django.db import migrations, models


NATURES = [("political", "政治建设"), ("ideological", "思想建设"), ("organisational", "组织建设"),
           ("conduct", "作风建设"), ("discipline", "纪律建设"), ("finance", "财务管理"),
           ("ideology_work", "意识形态"), ("other", "其他")]
TYPES = [("immediate", "立行立改", 1), ("limited", "限期整改", 3), ("long_term", "长期坚持", None)]


def seed(apps, schema_editor):
    Nature = apps.get_model("verify", "ProblemNature")
    Type = apps.get_model("verify", "RectificationType")
    for order, (code, name) in enumerate(NATURES, start=1):
        Nature.objects.get_or_create(code=code, defaults={"name": name, "order": order * 10})
    for order, (code, name, months) in enumerate(TYPES, start=1):
        Type.objects.get_or_create(code=code, defaults={"name": name, "months": months, "order": order * 10})


def unseed(apps, schema_editor):
    apps.get_model("verify", "ProblemNature").objects.filter(code__in=[c for c, _ in NATURES]).delete()
    apps.get_model("verify", "RectificationType").objects.filter(code__in=[c for c, _, _ in TYPES]).delete()


class Migration(migrations.Migration):
    # not one transaction: on PostgreSQL the seed rows' deferred constraint checks would still be pending when
    # a migration back drops the tables ("pending trigger events")
    atomic = False


    dependencies = [
        ('ledger', '0007_closure_verifying'),
        ('org', '0008_encrypt_phone_and_id_number'),
        ('verify', '0002_spotcheck_assessment_appeal'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='ProblemNature',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code', models.SlugField(help_text='稳定的英文代码，统计项为 verify_class.nature.<代码>。创建后不要修改。', unique=True, verbose_name='代码')),
                ('name', models.CharField(help_text='如：作风建设', max_length=50, unique=True, verbose_name='名称')),
                ('order', models.PositiveIntegerField(default=100, verbose_name='排序')),
                ('active', models.BooleanField(default=True, help_text='停用后不能再选用，已归类的问题照常统计。', verbose_name='启用')),
            ],
            options={
                'verbose_name': '问题性质',
                'verbose_name_plural': '问题性质',
                'ordering': ['order', 'id'],
            },
        ),
        migrations.CreateModel(
            name='RectificationType',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code', models.SlugField(help_text='稳定的英文代码，统计项为 verify_class.type.<代码>。创建后不要修改。', unique=True, verbose_name='代码')),
                ('name', models.CharField(help_text='如：限期整改', max_length=50, unique=True, verbose_name='名称')),
                ('months', models.PositiveSmallIntegerField(blank=True, help_text='自反馈日期起的月数；选定整改类型时，为尚未填写时限的措施建议这一时限。留空表示“长期坚持”，不定日期。', null=True, verbose_name='默认时限（月）')),
                ('order', models.PositiveIntegerField(default=100, verbose_name='排序')),
                ('active', models.BooleanField(default=True, help_text='停用后不能再选用，已归类的问题照常统计。', verbose_name='启用')),
            ],
            options={
                'verbose_name': '整改类型',
                'verbose_name_plural': '整改类型',
                'ordering': ['order', 'id'],
            },
        ),
        migrations.CreateModel(
            name='ProblemProfile',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='创建时间')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='最后修改时间')),
                ('version', models.PositiveIntegerField(default=1, help_text='每次修改加一，用于发现并发修改。', verbose_name='版本')),
                ('deleted_at', models.DateTimeField(blank=True, null=True, verbose_name='删除时间')),
                ('security_label', models.CharField(choices=[('public', '公开'), ('internal', '内部'), ('sensitive', '敏感')], default='internal', help_text='公开、内部或敏感；敏感记录只有敏感级账号可见，其文字内容加密存储。涉密材料不得录入本系统。', max_length=10, verbose_name='密级')),
                ('reach', models.CharField(blank=True, choices=[('common', '共性问题'), ('individual', '个性问题')], help_text='共性问题：其他单位、其他方面也普遍存在；个性问题：本单位、本事项特有。', max_length=20, verbose_name='共性或个性')),
                ('cause', qinglian.crypto.fields.SealedTextField(blank=True, help_text='从思想认识、制度机制、监督管理等方面剖析问题产生的原因（敏感问题加密存储）。', verbose_name='原因剖析', when_sensitive=True)),
                ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='创建人')),
                ('nature', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='verify.problemnature', verbose_name='问题性质')),
                ('problem', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='verify_profile', to='ledger.problem', verbose_name='问题')),
                ('unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='整改单位')),
                ('updated_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='最后修改人')),
                ('rect_type', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='verify.rectificationtype', verbose_name='整改类型')),
            ],
            options={
                'verbose_name': '问题分类',
                'verbose_name_plural': '问题分类',
                'ordering': ['problem'],
            },
            managers=[
                ('objects', django.db.models.manager.Manager()),
                ('with_deleted', django.db.models.manager.Manager()),
            ],
        ),
        migrations.RunPython(seed, unseed),
    ]
