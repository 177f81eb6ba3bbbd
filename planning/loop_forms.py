"""Forms for interview loops: start one, name it, edit its interviewers, pin a story."""

from __future__ import annotations

from django import forms

from planning.loop_templates import TEMPLATES
from planning.models import LOOP_NAME_MAX, SLOT_LABEL_MAX, SLOT_PRINCIPLES_MAX

BLANK = "blank"


class DateInput(forms.DateInput):
    input_type = "date"


class LoopCreateForm(forms.Form):
    """A loop from a template (or blank, on a chosen principle set)."""

    template = forms.ChoiceField(
        choices=[
            *((t.key, t.name) for t in TEMPLATES),
            (BLANK, "Blank: add interviewers yourself"),
        ],
        initial=TEMPLATES[0].key,
        widget=forms.RadioSelect,
    )
    name = forms.CharField(
        max_length=LOOP_NAME_MAX,
        required=False,
        help_text="For example “Amazon DS onsite, March”. Empty: the template's name.",
    )
    date = forms.DateField(required=False, widget=DateInput)
    principle_set = forms.TypedChoiceField(
        coerce=int, required=False, help_text="For a blank loop: whose principles it probes."
    )

    def __init__(self, *args, sets=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["principle_set"].choices = [(s.pk, s.name) for s in sets]

    def clean(self) -> dict:
        data = super().clean()
        if data.get("template") == BLANK and not data.get("principle_set"):
            self.add_error("principle_set", "Choose the principle set of a blank loop.")
        return data


class LoopForm(forms.Form):
    """A loop's name and date."""

    name = forms.CharField(max_length=LOOP_NAME_MAX)
    date = forms.DateField(required=False, widget=DateInput)


class SlotForm(forms.Form):
    """One interviewer: a label and the principles they probe, or unknown."""

    label = forms.CharField(max_length=SLOT_LABEL_MAX)
    principles = forms.TypedMultipleChoiceField(
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    unknown = forms.BooleanField(
        required=False, label="Unknown: spread the likely principles over this interviewer"
    )
    unknown_count = forms.TypedChoiceField(
        coerce=int,
        choices=[(n, str(n)) for n in range(1, SLOT_PRINCIPLES_MAX + 1)],
        initial=2,
        required=False,
        label="How many",
    )

    def __init__(self, *args, principles=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["principles"].choices = [(p.pk, p.name) for p in principles]

    def clean(self) -> dict:
        data = super().clean()
        chosen = data.get("principles") or []
        if not data.get("unknown") and not chosen:
            self.add_error(
                "principles", "Choose the principles this interviewer probes, or tick unknown."
            )
        if len(chosen) > SLOT_PRINCIPLES_MAX:
            self.add_error(
                "principles", f"An interviewer probes at most {SLOT_PRINCIPLES_MAX} principles."
            )
        data["unknown_count"] = data.get("unknown_count") or 2
        return data


class PinForm(forms.Form):
    """Pin a story to one interviewer's principle (no story: let the planner choose)."""

    slot = forms.IntegerField(min_value=1)
    principle = forms.IntegerField(min_value=1)
    story = forms.IntegerField(min_value=1, required=False)
