"""Whatever a person sends, intake answers and progress values either clean or give a
message, never a crash (property tests)."""

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from clients import services
from clients.models import Metric
from clients.selectors import form_questions
from clients.units import from_display
from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=5), children, max_size=3),
    max_leaves=8,
)


@pytest.fixture
def questions():
    org = OrganizationFactory()
    form = services.ensure_default_intake_form(organization=org)
    section = form.sections.first()
    services.add_question(section=section, label="Birthday", kind="date")
    services.add_question(section=section, label="Feeling", kind="scale")
    return list(form_questions(form=form))


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(
    raw=st.dictionaries(
        st.sampled_from(["goal", "days_per_week", "equipment", "birthday", "feeling", "parq_chest_pain", "x"]),
        json_values,
    )
)
def test_intake_answers_clean_or_explain(questions, raw):
    try:
        answers, _flag = services.clean_answers(questions=questions, raw=raw)
    except services.IntakeAnswersError as exc:
        assert exc.errors and all(isinstance(m, str) and m for m in exc.errors.values())
    else:
        assert set(answers) <= {q.key for q in questions}


@settings(max_examples=200, deadline=None)
@given(
    raw=json_values,
    kind=st.sampled_from(["number", "scale", "yes_no"]),
    quantity=st.sampled_from(["", "mass", "length", "percent"]),
    units=st.sampled_from(["metric", "imperial"]),
)
@example(raw="1e30", kind="number", quantity="mass", units="imperial")
@example(raw=-1e300, kind="number", quantity="length", units="metric")
@example(raw="0.0000000001", kind="number", quantity="", units="metric")
def test_progress_values_parse_or_explain(raw, kind, quantity, units):
    metric = Metric(key="m", name="M", kind=kind, quantity=quantity if kind == "number" else "")
    try:
        value = from_display(metric, raw, units)
    except ValueError as exc:
        assert str(exc)
    else:
        assert value.is_finite()
