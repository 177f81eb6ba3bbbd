"""Forms for practice rounds."""

from __future__ import annotations

from django import forms

from coach.models import Rating, Verdict
from practice.models import DEFAULT_TARGET_SECONDS
from stories.models import PART_MAX


class StartForm(forms.Form):
    """What to practise: the weakest principle, a chosen one, or one bank question."""

    MODES = [
        ("weakest", "Weakest first"),
        ("principle", "Some principles"),
        ("question", "A question"),
    ]
    mode = forms.ChoiceField(choices=MODES, initial="weakest", widget=forms.RadioSelect)
    principle = forms.TypedMultipleChoiceField(coerce=int, required=False)
    question = forms.IntegerField(required=False, min_value=1)
    target_seconds = forms.IntegerField(
        min_value=30, max_value=900, initial=DEFAULT_TARGET_SECONDS, required=False
    )

    def __init__(self, *args, principle_ids=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["principle"].choices = [(pk, pk) for pk in principle_ids]

    def clean(self) -> dict:
        data = super().clean()
        if data.get("mode") == "principle" and not data.get("principle"):
            self.add_error("principle", "Choose at least one principle.")
        if data.get("mode") == "question" and not data.get("question"):
            self.add_error("question", "Choose a question.")
        return data


class AnswerForm(forms.Form):
    """The answer (or bullet notes), the time it took and the story told."""

    answer = forms.CharField(
        max_length=PART_MAX,
        error_messages={
            "required": "Type your answer or a few bullet notes first.",
            "max_length": "Keep the answer under 5,000 characters; it has %(show_value)d.",
        },
    )
    seconds_taken = forms.IntegerField(required=False, min_value=0, max_value=36_000)
    story = forms.IntegerField(required=False, min_value=1)
    coach = forms.ChoiceField(
        required=False, choices=[("rules", "Offline coach"), ("llm", "AI coach")]
    )


class FollowUpAnswerForm(forms.Form):
    """An answer to one follow-up, and how it went (or skipped)."""

    answer = forms.CharField(required=False, max_length=PART_MAX)
    rating = forms.ChoiceField(choices=Rating.choices)


class VerdictForm(forms.Form):
    """The candidate's own verdict on a follow-up answer."""

    verdict = forms.ChoiceField(choices=Verdict.choices)


class FinishForm(forms.Form):
    """The round's self-rating and notes."""

    self_rating = forms.TypedChoiceField(
        coerce=int,
        choices=[(n, str(n)) for n in range(1, 6)],
        error_messages={"required": "Rate the round from 1 to 5."},
    )
    notes = forms.CharField(required=False, max_length=PART_MAX)
