import json

from django.db import migrations, models

ENTRY_TYPES = ("entry.created", "entry.updated", "entry.pinned", "entry.deleted")


def label_entry_messages(apps, schema_editor):
    """Messages logged before subjects existed: entry messages carry the entry's id first."""
    StreamMessage = apps.get_model("live", "StreamMessage")
    for message in StreamMessage.objects.filter(type__in=ENTRY_TYPES).iterator():
        try:
            entry_id = json.loads(message.data)["id"]
        except (ValueError, KeyError, TypeError):
            continue
        StreamMessage.objects.filter(pk=message.pk).update(subject=f"entry:{entry_id}")


class Migration(migrations.Migration):
    dependencies = [
        ("live", "0002_entry_status"),
    ]

    operations = [
        migrations.AddField(
            model_name="streammessage",
            name="subject",
            field=models.CharField(blank=True, default="", max_length=40),
        ),
        migrations.AddIndex(
            model_name="streammessage",
            index=models.Index(fields=["event", "subject"], name="stream_message_subject"),
        ),
        migrations.RunPython(label_entry_messages, migrations.RunPython.noop),
    ]
