from django.db import models
from django.utils.translation import gettext_lazy as _


class Agency(models.Model):
    class Kind(models.TextChoices):
        FEDERAL_LE = "federal_le", _("Federal law enforcement")
        STATE_LE = "state_le", _("State law enforcement")
        LOCAL_LE = "local_le", _("Local law enforcement")
        CHILD_WELFARE = "child_welfare", _("Child welfare")
        CLEARINGHOUSE = "clearinghouse", _("Clearinghouse")
        PROSECUTOR = "prosecutor", _("Prosecutor")
        NONPROFIT = "nonprofit", _("Non-profit")

    code = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    ori = models.CharField("ORI", max_length=9, blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="field_offices"
    )

    class Meta:
        ordering = ["code"]
        verbose_name_plural = "agencies"

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"

    @property
    def is_law_enforcement(self) -> bool:
        return self.kind in {self.Kind.FEDERAL_LE, self.Kind.STATE_LE, self.Kind.LOCAL_LE}
