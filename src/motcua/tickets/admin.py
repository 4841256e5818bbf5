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
