"""Unmanaged models over Mecto's tables: the columns the API lists print."""

from django.db import models


class Exercise(models.Model):
    organization_id = models.BigIntegerField(null=True)
    name = models.CharField(max_length=160)
    aliases = models.JSONField()
    primary_muscles = models.JSONField()
    secondary_muscles = models.JSONField()
    equipment = models.CharField(max_length=32)
    mechanic = models.CharField(max_length=16)
    force = models.CharField(max_length=16)
    level = models.CharField(max_length=16)
    category = models.CharField(max_length=32)
    movement_pattern = models.CharField(max_length=24)
    is_archived = models.BooleanField()

    class Meta:
        managed = False
        db_table = "training_exercise"
        ordering = ["name", "id"]


class Client(models.Model):
    organization_id = models.BigIntegerField()
    public_id = models.UUIDField()
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    email = models.CharField(max_length=254)
    phone = models.CharField(max_length=40)
    status = models.CharField(max_length=16)
    status_changed_at = models.DateTimeField(null=True)
    coach_id = models.BigIntegerField(null=True)
    date_of_birth = models.DateField(null=True)
    sex = models.CharField(max_length=16)
    height_cm = models.DecimalField(max_digits=5, decimal_places=1, null=True)
    goals = models.TextField()
    source = models.CharField(max_length=32)
    time_zone = models.CharField(max_length=64)
    unit_system = models.CharField(max_length=16)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        managed = False
        db_table = "clients_client"
        ordering = ["first_name", "last_name", "id"]


class WorkoutLog(models.Model):
    organization_id = models.BigIntegerField()
    client_id = models.BigIntegerField()
    client_uuid = models.UUIDField()
    scheduled_id = models.BigIntegerField(null=True)
    workout_id = models.BigIntegerField(null=True)
    name = models.CharField(max_length=160)
    performed_at = models.DateTimeField()
    status = models.CharField(max_length=16)
    duration_minutes = models.IntegerField(null=True)
    notes = models.TextField()
    created_at = models.DateTimeField()

    class Meta:
        managed = False
        db_table = "training_workoutlog"
        ordering = ["-performed_at", "-id"]


class SetLog(models.Model):
    workout_log = models.ForeignKey(WorkoutLog, on_delete=models.DO_NOTHING, related_name="sets")
    exercise = models.ForeignKey(Exercise, on_delete=models.DO_NOTHING, related_name="+")
    set_number = models.IntegerField()
    reps = models.IntegerField(null=True)
    load_kg = models.DecimalField(max_digits=7, decimal_places=2, null=True)
    duration_seconds = models.IntegerField(null=True)
    distance_m = models.IntegerField(null=True)
    rpe = models.DecimalField(max_digits=3, decimal_places=1, null=True)
    is_done = models.BooleanField()
    notes = models.CharField(max_length=300)
    e1rm_kg = models.DecimalField(max_digits=7, decimal_places=2, null=True)
    performed_at = models.DateTimeField()

    class Meta:
        managed = False
        db_table = "training_setlog"
        ordering = ["workout_log", "set_number", "id"]


class Booking(models.Model):
    organization_id = models.BigIntegerField()
    public_id = models.UUIDField()
    session_id = models.BigIntegerField()
    client_id = models.BigIntegerField()
    status = models.CharField(max_length=16)
    attendance = models.CharField(max_length=16)
    source = models.CharField(max_length=16)
    price_minor = models.IntegerField()
    currency = models.CharField(max_length=3)
    payment_status = models.CharField(max_length=16)
    amount_due_minor = models.IntegerField()
    amount_paid_minor = models.IntegerField()
    late_cancel_fee_minor = models.IntegerField()
    cancelled_at = models.DateTimeField(null=True)
    cancelled_by = models.CharField(max_length=8)
    cancel_reason = models.CharField(max_length=255)
    created_at = models.DateTimeField()

    class Meta:
        managed = False
        db_table = "booking_booking"
        ordering = ["-created_at", "-id"]
