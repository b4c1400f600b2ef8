"""The standard activity kinds of DESIGN.md §3 (kinds are data: the system admin adds more in the admin).

Reversible: going back removes exactly these codes (refused by PROTECT if records of them exist).
"""

from django.db import migrations

# code, name, category, counting unit, counts persons (人次 = persons talked to)
STANDARD = [
    ("party_group_meeting", "党组会（部务会）", "meeting", "次", False),
    ("branch_committee_meeting", "支部委员会", "meeting", "次", False),
    ("party_members_meeting", "党员大会", "meeting", "次", False),
    ("democratic_life_meeting", "民主生活会", "meeting", "次", False),
    ("organizational_life_meeting", "组织生活会", "meeting", "次", False),
    ("central_group_study", "中心组学习", "study", "次", False),
    ("collective_study", "集中学习", "study", "次", False),
    ("study_class", "读书班", "study", "期", False),
    ("seminar", "交流研讨", "study", "次", False),
    ("party_lecture", "专题党课", "study", "场", False),
    ("integrity_lecture", "廉政党课", "study", "次", False),
    ("heart_to_heart_talk", "谈心谈话", "talk", "人次", True),
    ("integrity_reminder_talk", "廉政提醒谈话", "talk", "人次", True),
    ("admonition_talk", "约谈", "talk", "人次", True),
    ("pre_appointment_talk", "任前谈话", "talk", "人次", True),
    ("key_post_talk", "重要岗位谈话", "talk", "人次", True),
    ("warning_education", "警示教育", "education", "次", False),
    ("warning_film", "观看警示片", "education", "次", False),
    ("education_base_visit", "参观教育基地", "education", "次", False),
    ("court_hearing", "旁听庭审", "education", "次", False),
    ("training", "培训班", "training", "期", False),
    ("inspection", "督查", "inspection", "次", False),
    ("integrity_sms", "廉政提醒短信", "other", "条", False),
    ("rules_made", "制度建设", "other", "个", False),
    ("integrity_certificate", "廉洁自律证明", "other", "份", False),
]


def add_kinds(apps, schema_editor):
    ActivityKind = apps.get_model("records", "ActivityKind")
    for order, (code, name, category, counting_unit, counts_persons) in enumerate(STANDARD, start=1):
        ActivityKind.objects.update_or_create(
            code=code,
            defaults={"name": name, "category": category, "counting_unit": counting_unit,
                      "counts_persons": counts_persons, "order": order * 10, "active": True},
        )


def remove_kinds(apps, schema_editor):
    ActivityKind = apps.get_model("records", "ActivityKind")
    ActivityKind.objects.filter(code__in=[row[0] for row in STANDARD]).delete()


class Migration(migrations.Migration):
    dependencies = [("records", "0001_initial")]

    operations = [migrations.RunPython(add_kinds, remove_kinds)]
