"""The default intake form every business starts with, and the vocabularies its answers use.

Other apps read these answers by key through `clients.selectors.intake_answers`, so the keys
and choice values below are a contract: change labels freely, never keys or values.
The builder takes the model classes as arguments so a data migration can use it with
historical models.
"""

from __future__ import annotations

import secrets

from django.utils.translation import gettext_noop as _noop

GOALS = ["strength", "hypertrophy", "fat_loss", "general_fitness", "endurance"]
EXPERIENCE_LEVELS = ["beginner", "intermediate", "advanced"]
# Exactly the equipment names of the exercise data set.
EQUIPMENT = [
    "body only",
    "dumbbell",
    "barbell",
    "cable",
    "machine",
    "kettlebells",
    "bands",
    "medicine ball",
    "exercise ball",
    "foam roll",
    "e-z curl bar",
    "other",
]
INJURY_AREAS = ["lower_back", "knee", "shoulder", "hip", "wrist", "elbow", "ankle", "neck"]
SESSION_LENGTHS = [30, 45, 60, 75, 90]
DIETS = ["no_preference", "vegetarian", "vegan", "pescatarian", "halal", "kosher", "low_carb", "other"]
FOOD_ALLERGIES = ["gluten", "dairy", "lactose", "nuts", "peanuts", "eggs", "soy", "fish", "shellfish"]

PARQ_QUESTIONS = [
    (
        "parq_heart_condition",
        _noop("Has your doctor ever said that you have a heart condition or high blood pressure?"),
    ),
    (
        "parq_chest_pain",
        _noop("Do you feel pain in your chest at rest, during daily activities, or when you do physical activity?"),
    ),
    (
        "parq_dizziness",
        _noop("Do you lose balance because of dizziness, or have you lost consciousness in the last 12 months?"),
    ),
    (
        "parq_chronic_condition",
        _noop(
            "Have you ever been diagnosed with another chronic medical condition (other than heart disease or high "
            "blood pressure)?"
        ),
    ),
    ("parq_medication", _noop("Are you currently taking prescribed medication for a chronic medical condition?")),
    (
        "parq_bone_joint",
        _noop(
            "Do you currently have (or have you had in the past 12 months) a bone, joint or soft-tissue problem "
            "that could be made worse by becoming more physically active?"
        ),
    ),
    (
        "parq_supervised_only",
        _noop("Has your doctor ever said that you should only do medically supervised physical activity?"),
    ),
    ("parq_pregnant", _noop("Are you pregnant, or have you given birth in the last 6 months?")),
]


def _choices(pairs):
    return [{"value": value, "label": label} for value, label in pairs]


DEFAULT_FORM = {
    "name": _noop("Welcome questionnaire"),
    "description": _noop(
        "A few questions so your coach can plan training that fits your goals, your schedule and your health. "
        "It takes about five minutes."
    ),
    "sections": [
        {
            "title": _noop("Your goals"),
            "questions": [
                {
                    "key": "goal",
                    "label": _noop("What is your main goal?"),
                    "kind": "single_choice",
                    "required": True,
                    "choices": _choices(
                        [
                            ("strength", _noop("Get stronger")),
                            ("hypertrophy", _noop("Build muscle")),
                            ("fat_loss", _noop("Lose fat")),
                            ("general_fitness", _noop("Feel fitter and healthier")),
                            ("endurance", _noop("Improve endurance")),
                        ]
                    ),
                },
                {
                    "key": "goal_details",
                    "label": _noop("Tell us more about what you want to achieve"),
                    "kind": "long_text",
                    "help_text": _noop("For example: run 10 km by June, deadlift my body weight, feel less tired."),
                },
            ],
        },
        {
            "title": _noop("Training history"),
            "questions": [
                {
                    "key": "experience",
                    "label": _noop("How experienced are you with strength training?"),
                    "kind": "single_choice",
                    "required": True,
                    "choices": _choices(
                        [
                            ("beginner", _noop("Beginner: less than 6 months")),
                            ("intermediate", _noop("Intermediate: 6 months to 3 years")),
                            ("advanced", _noop("Advanced: more than 3 years")),
                        ]
                    ),
                },
                {
                    "key": "training_history",
                    "label": _noop("What training or sport have you done recently?"),
                    "kind": "long_text",
                },
            ],
        },
        {
            "title": _noop("Schedule and equipment"),
            "questions": [
                {
                    "key": "days_per_week",
                    "label": _noop("How many days a week can you train?"),
                    "kind": "number",
                    "required": True,
                    "min_value": 2,
                    "max_value": 6,
                },
                {
                    "key": "session_minutes",
                    "label": _noop("How long can a session be?"),
                    "kind": "single_choice",
                    "required": True,
                    "choices": _choices([(str(m), f"{m} min") for m in SESSION_LENGTHS]),
                },
                {
                    "key": "equipment",
                    "label": _noop("Which equipment can you use?"),
                    "kind": "multiple_choice",
                    "help_text": _noop("Tick everything you have access to."),
                    "choices": _choices(
                        [
                            ("body only", _noop("Body weight only")),
                            ("dumbbell", _noop("Dumbbells")),
                            ("barbell", _noop("Barbell")),
                            ("cable", _noop("Cable machine")),
                            ("machine", _noop("Weight machines")),
                            ("kettlebells", _noop("Kettlebells")),
                            ("bands", _noop("Resistance bands")),
                            ("medicine ball", _noop("Medicine ball")),
                            ("exercise ball", _noop("Exercise ball")),
                            ("foam roll", _noop("Foam roller")),
                            ("e-z curl bar", _noop("EZ curl bar")),
                            ("other", _noop("Other")),
                        ]
                    ),
                },
            ],
        },
        {
            "title": _noop("Injuries and conditions"),
            "questions": [
                {
                    "key": "injuries",
                    "label": _noop("Do you have pain or an injury in any of these areas?"),
                    "kind": "multiple_choice",
                    "help_text": _noop("Leave all unticked if none."),
                    "choices": _choices(
                        [
                            ("lower_back", _noop("Lower back")),
                            ("knee", _noop("Knee")),
                            ("shoulder", _noop("Shoulder")),
                            ("hip", _noop("Hip")),
                            ("wrist", _noop("Wrist")),
                            ("elbow", _noop("Elbow")),
                            ("ankle", _noop("Ankle")),
                            ("neck", _noop("Neck")),
                        ]
                    ),
                },
                {
                    "key": "injury_notes",
                    "label": _noop("Tell us about any injuries, surgeries or medical conditions"),
                    "kind": "long_text",
                },
            ],
        },
        {
            "title": _noop("Nutrition and preferences"),
            "questions": [
                {
                    "key": "diet",
                    "label": _noop("Do you follow a particular diet?"),
                    "kind": "single_choice",
                    "choices": _choices(
                        [
                            ("no_preference", _noop("No particular diet")),
                            ("vegetarian", _noop("Vegetarian")),
                            ("vegan", _noop("Vegan")),
                            ("pescatarian", _noop("Pescatarian")),
                            ("halal", _noop("Halal")),
                            ("kosher", _noop("Kosher")),
                            ("low_carb", _noop("Low carb")),
                            ("other", _noop("Other")),
                        ]
                    ),
                },
                {
                    "key": "food_allergies",
                    "label": _noop("Food allergies or intolerances"),
                    "kind": "multiple_choice",
                    "choices": _choices(
                        [
                            ("gluten", _noop("Gluten")),
                            ("dairy", _noop("Dairy")),
                            ("lactose", _noop("Lactose")),
                            ("nuts", _noop("Tree nuts")),
                            ("peanuts", _noop("Peanuts")),
                            ("eggs", _noop("Eggs")),
                            ("soy", _noop("Soy")),
                            ("fish", _noop("Fish")),
                            ("shellfish", _noop("Shellfish")),
                        ]
                    ),
                },
                {
                    "key": "meals_per_day",
                    "label": _noop("How many meals do you usually eat a day?"),
                    "kind": "number",
                    "min_value": 1,
                    "max_value": 10,
                },
                {
                    "key": "nutrition_notes",
                    "label": _noop("Anything else about how you eat?"),
                    "kind": "long_text",
                },
                {
                    "key": "preferences",
                    "label": _noop("What kinds of exercise do you enjoy or dislike?"),
                    "kind": "long_text",
                },
            ],
        },
        {
            "title": _noop("Health screening"),
            "description": _noop(
                "Based on the PAR-Q+. If you answer yes to any question, your coach will ask you to get clearance "
                "from a doctor before training hard."
            ),
            "is_health_screening": True,
            "questions": [
                {"key": key, "label": label, "kind": "yes_no", "required": True} for key, label in PARQ_QUESTIONS
            ],
        },
    ],
}


def create_default_form(organization, *, form_model, section_model, question_model, translate=str):
    """Create the default intake form of `organization` unless it already has one."""
    existing = form_model.objects.filter(organization=organization, is_default=True).first()
    if existing is not None:
        return existing
    spec = DEFAULT_FORM
    form = form_model.objects.create(
        organization=organization,
        name=translate(spec["name"]),
        description=translate(spec["description"]),
        is_default=True,
        public_token=secrets.token_urlsafe(32),
    )
    questions = []
    for s_pos, section_spec in enumerate(spec["sections"]):
        section = section_model.objects.create(
            organization=organization,
            form=form,
            title=translate(section_spec["title"]),
            description=translate(section_spec.get("description", "")),
            is_health_screening=section_spec.get("is_health_screening", False),
            position=s_pos,
        )
        for q_pos, q in enumerate(section_spec["questions"]):
            questions.append(
                question_model(
                    organization=organization,
                    form=form,
                    section=section,
                    key=q["key"],
                    label=translate(q["label"]),
                    help_text=translate(q.get("help_text", "")),
                    kind=q["kind"],
                    required=q.get("required", False),
                    choices=[{"value": c["value"], "label": translate(c["label"])} for c in q.get("choices", [])],
                    min_value=q.get("min_value"),
                    max_value=q.get("max_value"),
                    position=q_pos,
                )
            )
    question_model.objects.bulk_create(questions)
    return form
