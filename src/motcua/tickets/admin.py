from django.contrib import admin

from .models import Counter, ServiceGroup


@admin.register(ServiceGroup)
class ServiceGroupAdmin(admin.ModelAdmin):
    list_display = ("unit", "letter", "name_vi", "order", "active")
    list_filter = ("active",)
    search_fields = ("unit__code", "unit__name_vi", "name_vi", "name_en")
    autocomplete_fields = ("unit",)
    filter_horizontal = ("sectors",)


@admin.register(Counter)
class CounterAdmin(admin.ModelAdmin):
    list_display = ("unit", "number", "active")
    list_filter = ("active",)
    search_fields = ("unit__code", "unit__name_vi")
    autocomplete_fields = ("unit",)
    filter_horizontal = ("groups",)

    def get_form(self, request, obj=None, change=False, **kwargs):
        self._unit_id = obj.unit_id if obj else None
        return super().get_form(request, obj, change, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        """A counter serves groups of its own unit only (a new counter: choose after saving it)."""
        if db_field.name == "groups":
            kwargs["queryset"] = ServiceGroup.objects.filter(unit_id=getattr(self, "_unit_id", None))
        return super().formfield_for_manytomany(db_field, request, **kwargs)
