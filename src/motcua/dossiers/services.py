"""Every write to a dossier goes through these two services, one transaction per call: `intake`
(a new dossier) and `act` (one lifecycle action on a dossier, as its record in lifecycle.py allows)."""

from .engine import act
from .intake import Applicant, IntakeRequest, IntakeResult, PaperIn, intake
from .pins import pin_matches

__all__ = ["Applicant", "IntakeRequest", "IntakeResult", "PaperIn", "act", "intake", "pin_matches"]
