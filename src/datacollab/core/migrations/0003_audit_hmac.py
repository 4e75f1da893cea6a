"""Sign the audit log: an HMAC per entry and on the head, with a key outside the database.

Entries written before this migration are signed here, with the key configured now
(AUDIT_HMAC_KEY / AUDIT_HMAC_KEY_FILE / var/audit_key), but only those whose content still
matches its hash: an entry already edited stays unsigned, and `datacollab audit verify`
keeps naming it. The log is append-only, so the triggers are lifted for the update and put
back after it (on SQLite, adding the columns rebuilds the table, which drops them anyway).
The hashing below is a frozen copy of core/audit.py as of this migration.
"""

import hashlib
import hmac
import json

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import migrations, models

SQLITE_LIFT = [
    "DROP TRIGGER IF EXISTS audit_no_update",
    "DROP TRIGGER IF EXISTS audit_no_delete",
]
SQLITE_RESTORE = [
    """CREATE TRIGGER audit_no_update BEFORE UPDATE ON core_auditentry
       BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
    """CREATE TRIGGER audit_no_delete BEFORE DELETE ON core_auditentry
       BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
]
POSTGRES_LIFT = ["ALTER TABLE core_auditentry DISABLE TRIGGER audit_no_change"]
POSTGRES_RESTORE = ["ALTER TABLE core_auditentry ENABLE TRIGGER audit_no_change"]


def _key_id(key):
    return hashlib.sha256(b"datacollab audit key id\x00" + key.encode()).hexdigest()[:12]


def _sign(key, message):
    return hmac.new(key.encode(), message.encode(), hashlib.sha256).hexdigest()


def _hash(entry):
    payload = {
        "seq": entry.seq,
        "created_at": entry.created_at.isoformat(),
        "actor_id": entry.actor_id,
        "actor_label": entry.actor_label,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "object_repr": entry.object_repr,
        "details": entry.details,
        "prev_hash": entry.prev_hash,
    }
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), cls=DjangoJSONEncoder)
    return hashlib.sha256(canonical.encode()).hexdigest()


def sign_existing(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    lift = {"sqlite": SQLITE_LIFT, "postgresql": POSTGRES_LIFT}.get(vendor, [])
    restore = {"sqlite": SQLITE_RESTORE, "postgresql": POSTGRES_RESTORE}.get(vendor, [])
    for sql in lift:
        schema_editor.execute(sql)
    AuditEntry = apps.get_model("core", "AuditEntry")
    AuditHead = apps.get_model("core", "AuditHead")
    key = settings.AUDIT_HMAC_KEY
    kid = _key_id(key)
    for entry in AuditEntry.objects.order_by("seq").iterator(chunk_size=2000):
        if _hash(entry) != entry.hash:
            continue  # already edited: leave it unsigned, as evidence
        mac = _sign(key, f"entry\x00{kid}\x00{entry.seq}\x00{entry.hash}")
        AuditEntry.objects.filter(pk=entry.pk).update(key_id=kid, mac=mac)
    head = AuditHead.objects.filter(id=1).first()
    if head is not None:
        head.key_id = kid
        head.mac = _sign(key, f"head\x00{kid}\x00{head.count}\x00{head.last_hash}")
        head.save(update_fields=["key_id", "mac"])
    for sql in restore:
        schema_editor.execute(sql)


def restore_triggers(apps, schema_editor):
    """Run last when migrating back: dropping the columns rebuilds the SQLite table."""
    if schema_editor.connection.vendor == "sqlite":
        for sql in SQLITE_LIFT + SQLITE_RESTORE:
            schema_editor.execute(sql)


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0002_audit_append_only'),
    ]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, restore_triggers),
        migrations.AddField(
            model_name='auditentry',
            name='key_id',
            field=models.CharField(blank=True, default='', max_length=16, verbose_name='key id'),
        ),
        migrations.AddField(
            model_name='auditentry',
            name='mac',
            field=models.CharField(blank=True, default='', max_length=64),
        ),
        migrations.AddField(
            model_name='audithead',
            name='key_id',
            field=models.CharField(blank=True, default='', max_length=16),
        ),
        migrations.AddField(
            model_name='audithead',
            name='mac',
            field=models.CharField(blank=True, default='', max_length=64),
        ),
        migrations.RunPython(sign_existing, migrations.RunPython.noop),
    ]
