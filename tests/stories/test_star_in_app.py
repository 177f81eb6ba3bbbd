"""The STAR checker in the app: stored scores, the live check, lists and re-scoring."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from principles.models import Principle
from stories import scoring, services
from stories.forms import StoryForm
from stories.models import Story
from stories.star import CHECKER_VERSION, check
from stories.star.bands import band_for
from tests.stories.factories import StoryFactory

pytestmark = pytest.mark.django_db

WEAK = {
    "title": "Forecast project",
    "situation": "We had a forecasting problem at the company and things were not great.",
    "task": "We needed to fix it for the business.",
    "action": "We aligned stakeholders and drove consensus, and a new model was built.",
    "result": "It significantly improved things for everyone.",
}


def _create(user, **fields) -> Story:
    return services.story_create(owner=user, fields=fields)


def test_score_and_flags_are_stored_on_create(user):
    story = _create(user, **WEAK)
    report = check(**{k: v for k, v in WEAK.items() if k != "title"})
    assert story.star_score == report.score < 60
    assert story.star_version == CHECKER_VERSION
    assert "impact_not_quantified" in story.star_flags
    assert story.star_quantified is False


def test_score_follows_text_edits_but_not_metadata_edits(story):
    first = story.star_score
    assert first is not None and story.star_quantified
    services.story_update(story=story, fields={"organisation": "Elsewhere"})
    story.refresh_from_db()
    assert story.star_score == first
    services.story_update(story=story, fields={"result": "It went fine."})
    story.refresh_from_db()
    assert story.star_score < first
    assert "impact_not_quantified" in story.star_flags


def test_rescore_command_updates_stale_scores_only(user):
    fresh = _create(user, **WEAK)
    stale = _create(user, **WEAK)
    Story.objects.filter(pk=stale.pk).update(star_score=None, star_version="0-old", star_flags=[])
    before = Story.objects.get(pk=fresh.pk).updated_at
    call_command("rescore_stories")
    stale.refresh_from_db()
    assert stale.star_score == fresh.star_score
    assert stale.star_version == CHECKER_VERSION
    assert stale.star_flags == fresh.star_flags
    assert Story.objects.get(pk=fresh.pk).updated_at == before


def test_rescore_all_fixes_a_tampered_score(user):
    story = _create(user, **WEAK)
    Story.objects.filter(pk=story.pk).update(star_score=99)
    call_command("rescore_stories", "--all")
    story.refresh_from_db()
    assert story.star_score == scoring.check_story(story).score


def test_list_shows_score_and_flags_and_sorts_by_score(client_for, user):
    weak = _create(user, **WEAK)
    strong = StoryFactory(owner=user, title="Strong one")
    services.story_update(story=strong, fields={"result": strong.result + " "})
    client = client_for(user)
    response = client.get(reverse("stories:list"), {"sort": "score"})
    titles = [s.title for s in response.context["page"].object_list]
    assert titles == ["Strong one", weak.title]
    weakest = client.get(reverse("stories:list"), {"sort": "weakest"}).context["page"]
    assert [s.title for s in weakest.object_list] == [weak.title, "Strong one"]
    body = response.content.decode()
    band = band_for(weak.star_score)
    assert band.key == "needs_work"
    assert f'title="STAR score {weak.star_score} of 100: {band.label}"' in body
    assert f'score-band">{band.short or band.label}</span>' in body
    assert "no numbers" in body


def test_live_check_returns_the_report_panel(client_for, user):
    response = client_for(user).post(reverse("stories:check"), WEAK, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = response.content.decode()
    expected = check(**{k: v for k, v in WEAK.items() if k != "title"})
    assert f'data-score="{expected.score}"' in body
    assert 'data-code="impact_not_quantified"' in body
    assert '<mark class="hl-vague">aligned stakeholders</mark>' in body
    assert "<html" not in body  # a fragment, not a page


def test_live_check_escapes_what_it_echoes(client_for, user):
    payload = {**WEAK, "action": "I shipped <script>alert(1)</script> and we won 40%."}
    body = client_for(user).post(reverse("stories:check"), payload).content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;" in body


def test_live_check_suggests_principles_not_yet_mapped(client_for, user, amazon):
    customer = Principle.objects.get(principle_set=amazon, slug="customer-obsession")
    text = {
        "situation": "Support tickets about refunds doubled and churn rose among end users.",
        "task": "I owned the customer experience of the refund flow.",
        "action": (
            "I read 200 support tickets, ran user interviews with 12 customers, mapped every "
            "pain point and rebuilt the refund flow around the customer feedback."
        ),
        "result": "Churn fell from 4.1% to 2.9% and satisfaction rose 18 points in a quarter.",
    }
    client = client_for(user)
    body = client.post(reverse("stories:check"), text).content.decode()
    assert f'data-principle="{customer.pk}"' in body
    assert f'data-field="{StoryForm.principle_field_name(customer.pk)}"' in body
    mapped = {**text, StoryForm.principle_field_name(customer.pk): "primary"}
    body = client.post(reverse("stories:check"), mapped).content.decode()
    assert f'data-principle="{customer.pk}"' not in body


def test_live_check_needs_login_and_post(client, user):
    assert client.post(reverse("stories:check"), WEAK).status_code == 302
    client.force_login(user)
    assert client.get(reverse("stories:check")).status_code == 405


def test_live_check_survives_huge_and_odd_input(client_for, user):
    payload = {"situation": "x" * 60_000, "action": "\x00\ud7ff😀 " * 500, "happened_on": "99-99"}
    response = client_for(user).post(reverse("stories:check"), payload)
    assert response.status_code == 200
    assert "data-score=" in response.content.decode()


def test_feedback_without_javascript_after_save_and_on_errors(client_for, user):
    client = client_for(user)
    response = client.post(reverse("stories:create"), WEAK, follow=True)
    body = response.content.decode()
    assert response.resolver_match.url_name == "detail"
    assert 'data-code="impact_not_quantified"' in body
    # A form sent back with errors still shows the check of what was typed.
    response = client.post(reverse("stories:create"), {**WEAK, "title": ""})
    assert 'data-code="impact_not_quantified"' in response.content.decode()


def test_detail_explains_the_score(client_for, user):
    story = _create(user, **WEAK)
    body = client_for(user).get(reverse("stories:detail", args=[story.pk])).content.decode()
    assert f"Why {story.star_score}?" in body
    report = scoring.check_story(story)
    for _label, points, _reason in report.score_breakdown:
        if points:
            assert f'<td class="text-end">{points}</td>' in body


def test_list_query_count_is_fixed_with_scores(client_for, user):
    client = client_for(user)
    for _ in range(3):
        _create(user, **WEAK)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("stories:list"), {"sort": "score"})
    for _ in range(30):
        _create(user, **WEAK)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("stories:list"), {"sort": "score"})
    assert len(few.captured_queries) == len(many.captured_queries)


def test_flag_labels_name_real_codes():
    from stories.star import CODES

    assert set(scoring.FLAG_LABELS) <= set(CODES)


def test_live_check_says_who_carried_the_actions(client_for, user):
    client = client_for(user)
    we_story = {
        **WEAK,
        "action": "We rebuilt the importer, we tested it on last month's data and we shipped it.",
    }
    body = client.post(reverse("stories:check"), we_story, HTTP_HX_REQUEST="true").content
    assert "mostly “we”: 3 of 3 actions" in body.decode()
    mine = {**WEAK, "action": "I rebuilt the importer and I tested it on last month's data."}
    body = client.post(reverse("stories:check"), mine, HTTP_HX_REQUEST="true").content
    assert "you act in 2 of 2 actions" in body.decode()
