"""Every reply to an alert letter and every 核实 kept as its own row (LetterEvent); the letters' current reply
and verification become the first rows of their history. Reversing drops the rows with the table."""

import django.db.models.deletion
import django.db.models.manager
from django.conf import settings
from django.db import migrations, models


def history_from_letters(apps, schema_editor):
    AlertLetter = apps.get_model("publicity", "AlertLetter")
    LetterEvent = apps.get_model("publicity", "LetterEvent")
    rows = []
    letters = AlertLetter.objects.filter(deleted_at__isnull=True).select_related("ticket")
    for letter in letters.filter(feedback_at__isnull=False).iterator(chunk_size=2000):
        rows.append(LetterEvent(letter=letter, kind="feedback", text=letter.feedback, at=letter.feedback_at,
                                by_id=letter.feedback_by_id, created_by_id=letter.feedback_by_id))
    for letter in letters.filter(verified_at__isnull=False).iterator(chunk_size=2000):
        kind = "accepted" if letter.ticket.state == "closed" else "returned"
        rows.append(LetterEvent(letter=letter, kind=kind, text=letter.verification, at=letter.verified_at,
                                by_id=letter.verified_by_id, created_by_id=letter.verified_by_id))
    LetterEvent.objects.bulk_create(rows, batch_size=1000)


class Migration(migrations.Migration):

    dependencies = [
        ('publicity', '0002_seed_outlets'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='LetterEvent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='创建时间')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='最后修改时间')),
                ('version', models.PositiveIntegerField(default=1, help_text='每次修改加一，用于发现并发修改。', verbose_name='版本')),
                ('deleted_at', models.DateTimeField(blank=True, null=True, verbose_name='删除时间')),
                ('kind', models.CharField(choices=[('feedback', '反馈处置情况'), ('returned', '核实未通过，退回重新处置'), ('accepted', '核实通过，办结')], max_length=20, verbose_name='环节')),
                ('text', models.TextField(help_text='反馈的处置情况，或核实意见。', verbose_name='内容')),
                ('deadline', models.DateField(blank=True, help_text='退回时重新设定的反馈时限。', null=True, verbose_name='新的反馈时限')),
                ('at', models.DateTimeField(verbose_name='时间')),
                ('by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='办理人')),
                ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='创建人')),
                ('letter', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='events', to='publicity.alertletter', verbose_name='舆情提示函')),
                ('updated_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='最后修改人')),
            ],
            options={
                'verbose_name': '舆情办理记录',
                'verbose_name_plural': '舆情办理记录',
                'ordering': ['at', 'id'],
            },
            managers=[
                ('objects', django.db.models.manager.Manager()),
                ('with_deleted', django.db.models.manager.Manager()),
            ],
        ),
        migrations.RunPython(history_from_letters, migrations.RunPython.noop),
    ]
