"""Forms for writing and finding stories."""

from __future__ import annotations

import datetime as dt

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Layout
from django import forms
from django.core.exceptions import ValidationError
from taggit.forms import TagField

from stories.models import FIELD_LIMITS, Story, Weight
from stories.selectors import SORTS
from stories.values import MAX_TAGS, TAG_MAX, parse_month, tag_too_long, validate_month

PART_HELP = {
    "situation": "Where and when: the context an interviewer needs, in two or three sentences.",
    "task": "What you were responsible for, or the goal you set yourself.",
    "action": "What you did, step by step. Say 'I'. This should be the longest part.",
    "result": "What changed, with numbers: %, time, money, users, before and after.",
    "reflection": "Optional: what you learned, or what you would do differently.",
}


def _newlines(text: str) -> str:
    return text.replace("\r\n", "\n")


def draft_differs(draft: dict[str, str], shown: dict[str, str]) -> bool:
    """Does the draft say anything the form does not show already?"""
    return any(_newlines(str(value)) != shown.get(name, "") for name, value in draft.items())


class MonthField(forms.Field):
    """A month and year, typed as YYYY-MM (or MM/YYYY); cleans to the month's first day."""

    widget = forms.TextInput(attrs={"type": "month", "placeholder": "YYYY-MM"})

    def prepare_value(self, value: object) -> object:
        if isinstance(value, dt.date):
            return value.strftime("%Y-%m")
        return value

    def to_python(self, value: object) -> dt.date | None:
        return parse_month(value)

    def validate(self, value: dt.date | None) -> None:
        super().validate(value)
        validate_month(value)


class StoryForm(forms.ModelForm):
    """Write or edit a story: its text, when and where, tags and principle mappings."""

    happened_on = MonthField(required=False, label="When (month and year)")
    tags = TagField(
        required=False,
        help_text="Comma-separated, e.g. ml, stakeholders, incident.",
    )

    class Meta:
        model = Story
        fields = [
            "title",
            "situation",
            "task",
            "action",
            "result",
            "reflection",
            "happened_on",
            "organisation",
            "role",
            "tags",
        ]
        widgets = {
            name: forms.Textarea(attrs={"rows": rows})
            for name, rows in (
                ("situation", 3),
                ("task", 2),
                ("action", 6),
                ("result", 3),
                ("reflection", 2),
            )
        }
        help_texts = PART_HELP

    def __init__(self, *args, principles=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name, limit in FIELD_LIMITS.items():
            field = self.fields[name]
            # No maxlength attribute: a browser would silently cut a long paste.
            # The server says how much is over and keeps every character typed.
            field.widget.attrs.pop("maxlength", None)
            field.widget.attrs["data-maxlength"] = str(limit)
            field.error_messages["max_length"] = (
                f"Keep this under {limit:,} characters; it has %(show_value)d. "
                "Your text is still here: shorten it and save again."
            )
        self.principles = list(principles)
        initial = {}
        if self.instance.pk:
            initial = {m.principle_id: m.weight for m in self.instance.mappings.all()}
        for principle in self.principles:
            self.fields[self.principle_field_name(principle.pk)] = forms.ChoiceField(
                label=principle.name,
                required=False,
                choices=[("", "-"), *Weight.choices],
                initial=initial.get(principle.pk, ""),
                widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
            )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Field("title", autofocus=not self.instance.pk),
            "situation",
            "task",
            "action",
            "result",
            "reflection",
            Div(
                Div("happened_on", css_class="col-md-4"),
                Div("organisation", css_class="col-md-4"),
                Div("role", css_class="col-md-4"),
                css_class="row",
            ),
            "tags",
        )

    @staticmethod
    def principle_field_name(principle_id: int) -> str:
        """The form field that holds the weight for one principle."""
        return f"principle_{principle_id}"

    def principle_fields(self):
        """Bound principle fields grouped by set, for the picker template."""
        groups: dict[str, list] = {}
        for principle in self.principles:
            bound = self[self.principle_field_name(principle.pk)]
            groups.setdefault(principle.principle_set.name, []).append(bound)
        return groups.items()

    def typed(self, data) -> dict[str, str]:
        """This form's fields as the user typed them into ``data`` (a draft keeps them
        unchecked, over-long text and all)."""
        return {name: _newlines(str(data.get(name, ""))) for name in self.fields if name in data}

    def shown(self) -> dict[str, str]:
        """Each field's value as the page shows it and the browser would send it back
        (to tell a draft that differs from one that does not)."""
        values = {}
        for name, field in self.fields.items():
            value = self[name].value()
            if name == "tags" and not isinstance(value, str):
                value = field.widget.format_value(value)
            else:
                value = field.prepare_value(value)
            values[name] = "" if value is None else _newlines(str(value))
        return values

    def clean_tags(self) -> list[str]:
        tags = self.cleaned_data.get("tags") or []
        if len(tags) > MAX_TAGS:
            raise ValidationError(f"Use at most {MAX_TAGS} tags.")
        too_long = [t for t in tags if tag_too_long(t)]
        if too_long:
            raise ValidationError(f"Keep each tag under {TAG_MAX} characters.")
        return list(dict.fromkeys(t.strip() for t in tags if t.strip()))  # as typed

    def mappings(self) -> dict[int, str]:
        """The chosen ``{principle_id: weight}`` (principles left at '-' are omitted)."""
        chosen = {}
        for principle in self.principles:
            weight = self.cleaned_data.get(self.principle_field_name(principle.pk))
            if weight:
                chosen[principle.pk] = weight
        return chosen

    def story_fields(self) -> dict[str, object]:
        """The cleaned story fields, ready for the services."""
        return {name: self.cleaned_data[name] for name in self.Meta.fields if name != "tags"}


class StoryFilterForm(forms.Form):
    """Search, filter and sort the story list (GET)."""

    q = forms.CharField(required=False, max_length=200, label="Search")
    principle = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    tag = forms.CharField(required=False, max_length=TAG_MAX)
    sort = forms.ChoiceField(
        required=False,
        choices=[
            ("updated", "Last edited"),
            ("title", "Title"),
            ("score", "Score, best first"),
            ("weakest", "Score, weakest first"),
        ],
    )
    archived = forms.BooleanField(required=False)

    def __init__(self, *args, principles=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["principle"].choices = [("", "Any principle")] + [
            (p.pk, p.name) for p in principles
        ]
        self.fields["principle"].widget.attrs["class"] = "form-select"

    def clean_sort(self) -> str:
        sort = self.cleaned_data.get("sort") or "updated"
        return sort if sort in SORTS else "updated"
