"""One pasted answer, split sentence by sentence for the story form; the reading of a
practice answer; a practice answer turned into the new-story draft."""

from __future__ import annotations

import pytest
from django.urls import reverse

from practice.models import PracticeRound, RoundStatus
from practice.services import DraftInTheWay, round_story_draft
from principles.models import Principle
from stories.models import StoryDraft
from stories.scoring import answer_reading, split_for_form

LABELLED = (
    "Situation: Our nightly export failed twice a week.\n"
    "Task: I had to make it reliable.\n"
    "Action: I added retries. Then I split the job in two.\n"
    "Result: No failure in 3 months."
)


def test_a_labelled_answer_splits_where_its_labels_say_with_every_sentence_kept():
    split = split_for_form(LABELLED)
    assert split.by_labels and split.sureness == "sure"
    assert [(s.part, s.text) for s in split.sentences] == [
        ("situation", "Our nightly export failed twice a week."),
        ("task", "I had to make it reliable."),
        ("action", "I added retries."),
        ("action", "Then I split the job in two."),
        ("result", "No failure in 3 months."),
    ]


def test_a_dictated_answer_is_split_by_its_cues():
    split = split_for_form(
        "we had a churn problem. my manager asked me to find out why. so what i did was i "
        "pulled the logs. as a result churn went down 12 percent"
    )
    assert not split.by_labels
    assert [s.part for s in split.sentences] == ["situation", "task", "action", "result"]


def test_the_reading_names_the_part_of_each_flag():
    reading = answer_reading(
        "Checkout conversion dropped. I split the data by browser and fixed the iOS bug. "
        "It went well."
    )
    assert any(flag.startswith("Result: ") for flag in reading.flags)
    assert dict(reading.parts)["Action"].startswith("I split the data")


@pytest.mark.django_db
def test_the_split_view_needs_an_answer(user, client_for):
    client = client_for(user)
    empty = client.post(reverse("stories:split"), {"pasted_answer": "  "})
    assert b"Paste or type an answer first" in empty.content
    full = client.post(reverse("stories:split"), {"pasted_answer": LABELLED})
    assert full.content.count(b'class="d-flex gap-2 align-items-start mb-2 split-sentence"') == 5


@pytest.mark.django_db
def test_a_practice_answer_becomes_the_new_story_draft_unless_one_is_kept(user, builtin_principles):
    dive = Principle.objects.get(slug="dive-deep", principle_set__slug="amazon")
    practice_round = PracticeRound.objects.create(
        user=user, principle=dive, question_text="Q?", answer=LABELLED, status=RoundStatus.DONE
    )
    round_story_draft(practice_round=practice_round)
    data = StoryDraft.objects.get(owner=user, story=None).data
    assert data["action"] == "I added retries. Then I split the job in two."
    assert data[f"principle_{dive.pk}"] == "primary"

    StoryDraft.objects.filter(owner=user).update(data={"title": "My unsaved story"})
    with pytest.raises(DraftInTheWay):
        round_story_draft(practice_round=practice_round)
    assert StoryDraft.objects.get(owner=user).data == {"title": "My unsaved story"}
