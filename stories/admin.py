"""Admin for stories (support and debugging)."""

from __future__ import annotations

from django.contrib import admin

from stories.models import Story, StoryPrinciple, StoryRevision


class StoryPrincipleInline(admin.TabularInline):
    model = StoryPrinciple
    extra = 0
    autocomplete_fields = ("principle",)


@admin.register(Story)
class StoryAdmin(admin.ModelAdmin):
    list_display = ("title", "owner", "star_score", "updated_at", "archived_at")
    list_filter = ("archived_at",)
    readonly_fields = ("star_score", "star_flags", "star_quantified", "star_version")
    search_fields = ("title", "owner__username")
    raw_id_fields = ("owner",)
    inlines = [StoryPrincipleInline]


@admin.register(StoryRevision)
class StoryRevisionAdmin(admin.ModelAdmin):
    list_display = ("story", "created_at")
    raw_id_fields = ("story",)
