from django.contrib import admin

from .models import FeeReceipt


@admin.register(FeeReceipt)
class FeeReceiptAdmin(admin.ModelAdmin):
    """Read-only: receipts are written by the collect_fee and refund_fee actions, beside their event."""

    list_display = ("receipt_number", "kind", "amount_vnd", "unit", "dossier", "at", "officer")
    list_filter = ("kind", "unit__kind")
    search_fields = ("receipt_number", "dossier__code", "unit__code")
    date_hierarchy = "at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
