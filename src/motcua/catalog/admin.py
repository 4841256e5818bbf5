from decimal import Decimal

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet

from .models import Component, Fee, Performer, Procedure, ProcedureVersion, ProcessStep, ResultPaper, Sector
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


class StepFormSet(BaseInlineFormSet):
    """The steps' shares must add up to the version's time limit, and the return step counts no time."""

    def clean(self) -> None:
        super().clean()
        kept = [f.cleaned_data for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        if not kept or self.instance.limit_amount is None:
            return
        total = sum((data.get("days") or Decimal(0)) for data in kept)
        if total != self.instance.limit_amount:
            raise ValidationError(
                f"Tổng thời gian các bước {total.normalize()} khác thời hạn {self.instance.limit_amount.normalize()} / "
                f"the steps' days add up to {total.normalize()}, not the time limit {self.instance.limit_amount.normalize()}"
            )
        if any(d.get("performer") == Performer.RETURN and d.get("days") for d in kept):
            raise ValidationError(
                "Bước trả kết quả không được tính thời gian / the return step must count no time"
            )


class StepInline(_VersionChild):
    model = ProcessStep
    formset = StepFormSet


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
