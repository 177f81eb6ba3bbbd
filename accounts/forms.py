"""Sign-up form."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from django.contrib.auth.forms import UserCreationForm


class SignUpForm(UserCreationForm):
    """Django's user creation form, styled with crispy."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
