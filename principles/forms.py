"""Forms for custom principle sets."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from django import forms

from principles.models import LIST_LINE_MAX as LINE_MAX
from principles.models import LIST_MAX_LINES as MAX_LINES


def _lines(text: str, *, label: str) -> list[str]:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if len(lines) > MAX_LINES:
        raise forms.ValidationError(f"Keep {label} to {MAX_LINES} lines or fewer.")
    if any(len(line) > LINE_MAX for line in lines):
        raise forms.ValidationError(f"Keep each line of {label} under {LINE_MAX} characters.")
    return lines


class PrincipleSetForm(forms.Form):
    """Name and describe a custom set of principles."""

    name = forms.CharField(max_length=120)
    description = forms.CharField(
        max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


class PrincipleForm(forms.Form):
    """One principle of a custom set, with what interviewers listen for and questions."""

    name = forms.CharField(max_length=120)
    description = forms.CharField(
        max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    signals = forms.CharField(
        required=False,
        max_length=MAX_LINES * (LINE_MAX + 1),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What an interviewer listens for: one per line.",
    )
    keywords = forms.CharField(
        required=False,
        max_length=MAX_LINES * (LINE_MAX + 1),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Words a story showing this principle tends to use: one per line.",
    )
    questions = forms.CharField(
        required=False,
        max_length=MAX_LINES * (LINE_MAX + 1),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Interview questions for this principle: one per line.",
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_signals(self) -> list[str]:
        return _lines(self.cleaned_data["signals"], label="signals")

    def clean_keywords(self) -> list[str]:
        return _lines(self.cleaned_data["keywords"], label="keywords")

    def clean_questions(self) -> list[str]:
        return _lines(self.cleaned_data["questions"], label="questions")
