"""The certificate registry in the admin: register a staff member's certificate from its PEM or DER
file (subject, serial, issuer and validity are read from it), revoke one."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.errors import MotcuaError

from . import certificates
from .models import Certificate, Document, DocumentAccess, StoreLook


class RegisterForm(forms.ModelForm):
    certificate_file = forms.FileField(label=_("Certificate file (PEM or DER)"), required=True)

    class Meta:
        model = Certificate
        fields = ["user", "unit", "key_ref", "demo"]


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    list_display = ["common_name", "user", "unit", "serial", "not_after", "revoked_at", "demo"]
    list_filter = ["demo", "unit"]
    search_fields = ["common_name", "serial", "subject", "user__username"]
    readonly_fields = ["subject", "common_name", "serial", "issuer", "not_before", "not_after", "fingerprint"]
    actions = ["revoke_now"]

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = RegisterForm
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["user", "unit", "certificate_file", "key_ref", "demo"]
        return [*self.readonly_fields, "user", "unit", "key_ref", "demo", "revoked_at", "revocation_reason"]

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        try:
            registered = certificates.register(
                user=form.cleaned_data["user"],
                unit=form.cleaned_data["unit"],
                data=form.cleaned_data["certificate_file"].read(),
                key_ref=form.cleaned_data["key_ref"],
                demo=form.cleaned_data["demo"],
            )
        except MotcuaError as error:
            self.message_user(request, error.message_en, messages.ERROR)
            return
        obj.pk = registered.pk

    @admin.action(description=_("Revoke the selected certificates now"))
    def revoke_now(self, request, queryset):
        for certificate in queryset:
            certificates.revoke(certificate=certificate, at=timezone.now(), reason="admin")


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = [
        "public_id",
        "dossier",
        "unit",
        "day",
        "kind",
        "title",
        "version",
        "current",
        "certificate",
        "added_at",
    ]
    list_filter = ["kind", "current"]
    search_fields = ["public_id", "dossier__code", "sha256"]

    def has_change_permission(self, request, obj=None) -> bool:  # stored documents never change
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(DocumentAccess)
class DocumentAccessAdmin(admin.ModelAdmin):
    list_display = ["document", "kind", "user", "at"]
    list_filter = ["kind"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(StoreLook)
class StoreLookAdmin(admin.ModelAdmin):
    list_display = ["id_number", "dossier_code", "user", "at"]
    search_fields = ["id_number", "dossier_code", "user__username"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_add_permission(self, request) -> bool:
        return False
