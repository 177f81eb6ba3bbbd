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
    list_display = ("title", "owner", "updated_at", "archived_at")
    list_filter = ("archived_at",)
    search_fields = ("title", "owner__username")
    raw_id_fields = ("owner",)
    inlines = [StoryPrincipleInline]


@admin.register(StoryRevision)
class StoryRevisionAdmin(admin.ModelAdmin):
    list_display = ("story", "created_at")
    raw_id_fields = ("story",)
