"""Drafting help: the local generator for every goal, the metered provider faked with `responses`."""

import json

import pytest
import responses

from marketing import drafting
from marketing.rendering import TemplateError, check_text, clean_blocks
from training.models import LanguageModelCall

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("goal", [g for g in drafting.GOALS if g != "custom"])
@pytest.mark.parametrize("channel", ["email", "sms"])
def test_local_drafts_pass_the_sandbox(org, goal, channel):
    result = drafting.draft(organization=org, channel=channel, goal=goal)
    assert result.source == "local"
    if channel == "email":
        assert result.subject and clean_blocks(result.blocks) == result.blocks
        check_text(result.subject, field="subject")
        assert any(b["type"] == "button" for b in result.blocks)
    else:
        assert "{{ client.first_name }}" in result.sms_body or "{{" in result.sms_body
        check_text(result.sms_body, field="sms_body")
    text = result.subject + result.preheader + json.dumps(result.blocks) + result.sms_body
    assert org.name in text or "{{ business.name }}" in text


def test_custom_goal_needs_a_note_and_uses_it(org):
    with pytest.raises(TemplateError):
        drafting.draft(organization=org, channel="email", goal="custom")
    result = drafting.draft(organization=org, channel="email", goal="custom", note="New {{ evil }} spring class")
    assert "spring class" in json.dumps(result.blocks) and "evil }}" not in json.dumps(result.blocks)


def test_without_a_provider_the_local_draft_says_so(org):
    result = drafting.draft(organization=org, channel="email", goal="welcome", use_provider=True)
    assert result.source == "local" and result.message


@responses.activate
def test_provider_draft_is_metered_and_sanitised(org, coach, settings):
    settings.TRAINING_LLM_BASE_URL = "https://llm.example.com/v1"
    settings.TRAINING_LLM_API_KEY = "k"
    answer = {
        "subject": "Welcome {{ client.first_name }} {{ settings.SECRET_KEY }}",
        "preheader": "Start strong",
        "heading": "Hi {{ client.first_name }}",
        "paragraphs": ["We are glad you joined {{ business.name }}.", "{% load static %}See you soon."],
        "button_label": "Book now",
        "sms": "",
    }
    responses.post(
        "https://llm.example.com/v1/chat/completions",
        json={
            "choices": [{"message": {"content": json.dumps(answer)}}],
            "usage": {"prompt_tokens": 50, "completion_tokens": 80},
        },
    )
    result = drafting.draft(organization=org, actor=coach, channel="email", goal="welcome", use_provider=True)
    assert result.source == "provider"
    assert result.subject == "Welcome {{ client.first_name }}"
    check_text(result.subject, field="subject")
    clean_blocks(result.blocks)
    sent = json.loads(responses.calls[0].request.body)
    assert org.name in sent["messages"][1]["content"]
    call = LanguageModelCall.objects.get(organization=org)
    assert call.outcome == "ok" and call.completion_tokens == 80


@responses.activate
def test_provider_failure_falls_back(org, coach, settings):
    settings.TRAINING_LLM_BASE_URL = "https://llm.example.com/v1"
    responses.post("https://llm.example.com/v1/chat/completions", status=500)
    result = drafting.draft(organization=org, actor=coach, channel="sms", goal="birthday", use_provider=True)
    assert result.source == "local" and result.sms_body and result.message
    assert LanguageModelCall.objects.get(organization=org).outcome == "error"


@responses.activate
def test_over_quota_calls_nothing(org, coach, settings):
    from training.models import TrainingSettings

    settings.TRAINING_LLM_BASE_URL = "https://llm.example.com/v1"
    TrainingSettings.objects.update_or_create(organization=org, defaults={"llm_monthly_quota": 0})
    result = drafting.draft(organization=org, actor=coach, channel="email", goal="offer", use_provider=True)
    assert result.source == "local" and len(responses.calls) == 0
    assert LanguageModelCall.objects.get(organization=org).outcome == "over_quota"
