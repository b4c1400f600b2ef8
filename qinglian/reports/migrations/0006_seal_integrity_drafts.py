"""党风廉政意见回复 drafts made before their sealing: their snapshot moves into `sealed_blocks`, their files
(.docx and any PDF) are sealed under a new name, and their entries leave the similarity index, which keeps
text. Needs the key file where such drafts exist (`qinglian keys init`)."""

import json
from pathlib import Path

from django.conf import settings
from django.db import migrations


def seal(apps, schema_editor):  # type: ignore[no-untyped-def]
    from qinglian.crypto.blobs import SUFFIX, seal_blob
    from qinglian.crypto.fields import seal_value

    report = apps.get_model("reports", "GeneratedReport")
    indexed = apps.get_model("oversight", "IndexedReport")
    root = Path(settings.MEDIA_ROOT)
    for row in report._base_manager.filter(genre="integrity").order_by("pk"):
        updates = {}
        if row.blocks:
            updates["sealed_blocks"] = seal_value(report, row.pk, "sealed_blocks",
                                                  json.dumps(row.blocks, ensure_ascii=False)).token
            updates["blocks"] = []
        for field in ("stored", "pdf_stored"):
            relative = getattr(row, field)
            path = root / relative
            if relative and not relative.endswith(SUFFIX) and path.is_file():
                sealed = relative + SUFFIX
                (root / sealed).write_bytes(seal_blob(path.read_bytes(), sealed))
                path.unlink()
                updates[field] = sealed
        if updates:
            report._base_manager.filter(pk=row.pk).update(**updates)
        indexed.objects.filter(generated_id=row.pk).delete()


class Migration(migrations.Migration):
    dependencies = [("reports", "0005_sealed_blocks"), ("oversight", "0002_uploaded_report_integrity_genre")]

    operations = [migrations.RunPython(seal, migrations.RunPython.noop)]
