"""Attachments kept as lib.models.StoredFile, like the ledger's evidence: the FileField's column already
holds the path relative to MEDIA_ROOT, so it is renamed and kept; new files get random names."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("records", "0002_standard_activity_kinds")]

    operations = [
        migrations.RenameField("attachment", "file", "stored"),
        migrations.AlterField(
            model_name="attachment", name="stored",
            field=models.CharField(editable=False, help_text="MEDIA_ROOT 下的相对路径；不在网站目录中，只经权限检查后下载。",
                                   max_length=255, verbose_name="存储位置")),
        migrations.AlterField(model_name="attachment", name="name",
                              field=models.CharField(max_length=255, verbose_name="文件名")),
        migrations.AlterField(model_name="attachment", name="size",
                              field=models.PositiveBigIntegerField(default=0, verbose_name="大小（字节）")),
        migrations.AddField(model_name="attachment", name="sha256",
                            field=models.CharField(default="", max_length=64, verbose_name="SHA-256"),
                            preserve_default=False),
    ]
