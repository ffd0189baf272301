# Team invitations only: portal invitations moved to clients.PortalInvitation, whose
# migration (clients 0014) copies those rows out of this table before this one runs.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_memberships_and_invitations"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="invitation",
            name="client",
        ),
        migrations.AlterField(
            model_name="invitation",
            name="role",
            field=models.CharField(
                choices=[("owner", "Owner"), ("coach", "Coach"), ("assistant", "Assistant")],
                max_length=16,
                verbose_name="role",
            ),
        ),
    ]
