"""Staff edit the built-in sets, their principles and questions here."""

from __future__ import annotations

from django.contrib import admin

from principles.models import Principle, PrincipleSet, Question


class PrincipleInline(admin.TabularInline):
    model = Principle
    fields = ("position", "name", "slug")
    extra = 0
    show_change_link = True


class QuestionInline(admin.TabularInline):
    model = Question
    fields = ("position", "text", "source")
    extra = 1


@admin.register(PrincipleSet)
class PrincipleSetAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "owner", "position")
    list_filter = (("owner", admin.EmptyFieldListFilter),)
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    raw_id_fields = ("owner",)
    inlines = [PrincipleInline]


@admin.register(Principle)
class PrincipleAdmin(admin.ModelAdmin):
    list_display = ("name", "principle_set", "position")
    list_filter = ("principle_set",)
    search_fields = ("name", "description")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [QuestionInline]


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ("text", "principle", "source")
    list_filter = ("source", "principle__principle_set")
    search_fields = ("text",)
