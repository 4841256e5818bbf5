from django.contrib import admin

from .models import Component, Fee, Procedure, ProcedureVersion, ProcessStep, ResultPaper, Sector
from .services import dossiers_using


@admin.register(Sector)
class SectorAdmin(admin.ModelAdmin):
    list_display = ("code", "name_vi", "name_en")
    search_fields = ("code", "name_vi", "name_en")


class VersionInline(admin.TabularInline):
    model = ProcedureVersion
    fields = ("version", "effective_from", "limit_amount", "limit_unit")
    readonly_fields = fields
    extra = 0
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Procedure)
class ProcedureAdmin(admin.ModelAdmin):
    list_display = ("code", "name_vi", "sector", "competent_level", "boundary_free", "online_level")
    list_filter = ("sector", "competent_level", "boundary_free", "online_level")
    search_fields = ("code", "name_vi", "name_en")
    list_select_related = ("sector",)
    autocomplete_fields = ("sector", "competent_agency")
    inlines = [VersionInline]


class _VersionChild(admin.TabularInline):
    extra = 0

    def _locked(self, obj) -> bool:
        return obj is not None and dossiers_using(obj) > 0

    def has_change_permission(self, request, obj=None) -> bool:
        return not self._locked(obj) and super().has_change_permission(request, obj)

    def has_add_permission(self, request, obj=None) -> bool:
        return not self._locked(obj) and super().has_add_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return not self._locked(obj) and super().has_delete_permission(request, obj)


class ComponentInline(_VersionChild):
    model = Component


class FeeInline(_VersionChild):
    model = Fee


class ResultInline(_VersionChild):
    model = ResultPaper


class StepInline(_VersionChild):
    model = ProcessStep


@admin.register(ProcedureVersion)
class ProcedureVersionAdmin(admin.ModelAdmin):
    """A version used by dossiers is read-only: changes are published as a new version."""

    list_display = ("procedure", "version", "effective_from", "limit_amount", "limit_unit")
    list_select_related = ("procedure",)
    search_fields = ("procedure__code", "procedure__name_vi")
    autocomplete_fields = ("procedure",)
    inlines = [ComponentInline, FeeInline, ResultInline, StepInline]

    def has_change_permission(self, request, obj=None) -> bool:
        return (obj is None or dossiers_using(obj) == 0) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return (obj is None or dossiers_using(obj) == 0) and super().has_delete_permission(request, obj)
