"""Stories, made the way the app makes them."""

from __future__ import annotations

import factory

from stories.models import Story
from tests.accounts.factories import UserFactory


class StoryFactory(factory.django.DjangoModelFactory):
    """Stories made the way the app makes them: through ``story_create`` (so scored)."""

    class Meta:
        model = Story

    @classmethod
    def _create(cls, model_class, *args, owner, **kwargs):
        from stories.services import EDITABLE_FIELDS, story_create

        fields = {k: v for k, v in kwargs.items() if k in EDITABLE_FIELDS}
        story = story_create(owner=owner, fields=fields)
        extra = {k: v for k, v in kwargs.items() if k not in EDITABLE_FIELDS}
        if extra:
            for name, value in extra.items():
                setattr(story, name, value)
            story.save(update_fields=list(extra))
        return story

    owner = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Story {n}: rebuilt the nightly pipeline")
    situation = "Our nightly sales pipeline failed twice a week and analysts lost mornings."
    task = "I owned making the pipeline reliable before the quarterly planning cycle."
    action = (
        "I traced every failure in the last 60 runs, found that 80% came from one flaky "
        "upstream export, added retries with idempotent loads and wrote an alert."
    )
    result = "Failures fell from 8 a month to 1, and analysts got back about 6 hours a week."
    reflection = "I learned to measure the failure modes before fixing the loudest one."
