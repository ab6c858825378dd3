"""Account administration: roles and agencies, releasing lockouts, disabling accounts.
Every change made here is audited (reunite.accounts.signals, reunite.audit.signals)."""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from reunite.accounts import lockout, services
from reunite.accounts.models import User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "get_full_name", "agency", "role", "is_active", "last_login",
                    "locked")
    list_filter = ("role", "agency", "is_active", "is_staff")
    fieldsets = DjangoUserAdmin.fieldsets + (
        (_("Reunite"), {"fields": ("agency", "role", "language")}),
    )
    add_fieldsets = DjangoUserAdmin.add_fieldsets + (
        (_("Reunite"), {"fields": ("agency", "role")}),
    )
    actions = ["release_lockout", "disable_accounts"]

    @admin.display(boolean=True, description=_("Locked"))
    def locked(self, user) -> bool:
        return lockout.is_locked_out(user.username)

    @admin.action(description=_("Release lockout of the selected accounts"))
    def release_lockout(self, request, queryset):
        released = [u.username for u in queryset if services.release_lockout(u.username)]
        self.message_user(request, _("Released: %s") % (", ".join(released) or _("none locked")),
                          messages.SUCCESS)

    @admin.action(description=_("Disable the selected accounts"))
    def disable_accounts(self, request, queryset):
        for user in queryset.filter(is_active=True):
            user.is_active = False
            user.save(update_fields=["is_active"])  # audited as a permission change
        self.message_user(request, _("Disabled."), messages.SUCCESS)
