"""The import form: a bank file and what to do with stories the user already has."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from django import forms
from django.utils.text import capfirst

from common.sizes import megabytes

from .schema import MAX_FILE_BYTES, too_large_message

DUPLICATE_LABELS = [
    ("skip", "Skip them (keep the story I already have)"),
    ("rename", "Import them too, as “Title (imported)”"),
]


class ImportForm(forms.Form):
    """Upload a Storybank JSON file."""

    file = forms.FileField(
        label="Storybank JSON file",
        help_text=f"A file downloaded from a Storybank “Bank” page, up to "
        f"{megabytes(MAX_FILE_BYTES)}.",
        widget=forms.ClearableFileInput(attrs={"accept": ".json,application/json"}),
    )
    on_duplicate = forms.ChoiceField(
        label="Stories whose title is already in my bank",
        choices=DUPLICATE_LABELS,
        initial="skip",
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def clean_file(self):
        """Refuse a file over the limit by its size, before anything reads it."""
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            message = capfirst(too_large_message(upload.size))
            raise forms.ValidationError(f"{message}. Nothing was imported.")
        return upload
