"""The coach's forms: what to be probed on, the "Ask me follow-ups" post, an answer."""

from __future__ import annotations

from django import forms

from coach import jobs
from coach.models import CoachBackend, Rating
from principles.models import Principle
from stories.models import Story, Weight


class FollowUpRequestForm(forms.Form):
    """Which principle to be probed on, and by which coach."""

    principle = forms.TypedChoiceField(coerce=int, required=False, empty_value=None)
    backend = forms.ChoiceField(choices=CoachBackend.choices, initial=CoachBackend.RULES)

    def __init__(self, *args, story: Story, principles: list[Principle], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Primary mappings first: the story is told for those, so they are probed first.
        mappings = sorted(story.mappings.all(), key=lambda m: m.weight != Weight.PRIMARY)
        mapped = [m.principle for m in mappings]
        others = [p for p in principles if p not in mapped]
        self.fields["principle"].choices = [
            ("", "Any principle"),
            *((m.principle.pk, f"{m.principle.name} ({m.weight})") for m in mappings),
            *((p.pk, p.name) for p in others),
        ]
        if mapped:
            self.fields["principle"].initial = mapped[0].pk
        if not jobs.llm_configured():
            self.fields["backend"].choices = [(CoachBackend.RULES, "Offline coach")]
        self.principles = {p.pk: p for p in principles}

    def chosen_principle(self) -> Principle | None:
        return self.principles.get(self.cleaned_data["principle"])


class FollowUpStartForm(forms.Form):
    """What "Ask me follow-ups" posts: a principle id (optional) and a coach."""

    principle = forms.IntegerField(required=False, min_value=1)
    backend = forms.ChoiceField(choices=CoachBackend.choices)


class AnswerForm(forms.Form):
    """The candidate's answer or notes to one follow-up, and how it went."""

    answer = forms.CharField(required=False, max_length=5000, widget=forms.Textarea)
    rating = forms.ChoiceField(required=False, choices=[("", "-"), *Rating.choices])
