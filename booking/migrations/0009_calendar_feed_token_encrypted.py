"""The calendar-feed token at rest: the coach copies the feed address again, so the token is
kept encrypted, with its hash to look the feed up. Feed addresses in use keep working (the
hash is of the same token). Reversible: going back decrypts the tokens."""

import hashlib

from django.db import migrations, models

import mecto.crypto
from mecto import crypto


def forward(apps, schema_editor):
    CoachProfile = apps.get_model("booking", "CoachProfile")
    for pk, token in CoachProfile.objects.exclude(feed_token="").values_list("pk", "feed_token").iterator():
        CoachProfile.objects.filter(pk=pk).update(
            feed_token=crypto.encrypt(token), feed_token_hash=hashlib.sha256(token.encode()).hexdigest()
        )


def backward(apps, schema_editor):
    CoachProfile = apps.get_model("booking", "CoachProfile")
    for pk, stored in CoachProfile.objects.exclude(feed_token="").values_list("pk", "feed_token").iterator():
        CoachProfile.objects.filter(pk=pk).update(feed_token=crypto.decrypt(stored), feed_token_hash="")


class Migration(migrations.Migration):
    dependencies = [
        ("booking", "0008_reminders_move_to_the_message_log"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="coachprofile", name="coach_feed_token_unique"),
        migrations.AddField(
            model_name="coachprofile",
            name="feed_token_hash",
            field=models.CharField(blank=True, editable=False, max_length=64),
        ),
        migrations.AlterField(
            model_name="coachprofile",
            name="feed_token",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.RunPython(forward, backward),
        migrations.AlterField(
            model_name="coachprofile",
            name="feed_token",
            field=mecto.crypto.EncryptedTextField(blank=True, editable=False),
        ),
        migrations.AddConstraint(
            model_name="coachprofile",
            constraint=models.UniqueConstraint(
                condition=models.Q(("feed_token_hash", ""), _negated=True),
                fields=("feed_token_hash",),
                name="coach_feed_token_hash_unique",
            ),
        ),
    ]
