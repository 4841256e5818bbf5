from django.contrib import admin

from .models import CalendarOverride, Jurisdiction, RoleAssignment, Unit


@admin.register(Jurisdiction)
class JurisdictionAdmin(admin.ModelAdmin):
    list_display = (
        "code",
        "name",
        "level",
        "unit_type",
        "parent",
        "population",
        "area_km2",
        "coord_approximate",
    )
    list_filter = ("level", "unit_type", "coord_approximate")
    search_fields = ("code", "name")
    list_select_related = ("parent",)


class RoleInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    autocomplete_fields = ("user",)


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("code", "name_vi", "kind", "jurisdiction", "parent", "counters", "active")
    list_filter = ("kind", "active", "coord_approximate")
    search_fields = ("code", "name_vi", "name_en")
    list_select_related = ("jurisdiction", "parent")
    autocomplete_fields = ("jurisdiction", "parent")
    inlines = [RoleInline]


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "unit")
    list_filter = ("role", "unit__kind")
    search_fields = ("user__username", "unit__code", "unit__name_vi")
    autocomplete_fields = ("user", "unit")


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(admin.ModelAdmin):
    list_display = ("day", "kind", "reason_vi", "reason_en")
    list_filter = ("kind",)
