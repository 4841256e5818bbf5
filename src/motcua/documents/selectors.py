"""Reads of the documents app: a dossier's documents, the counts Index 766's digitization group takes,
a document for the verification page."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from motcua.dossiers.models import Dossier, DossierPaper

from .models import Document


@dataclass(frozen=True)
class DigitizationCounts:
    dossiers: int  # dossiers counted
    papers: int  # paper lines of those dossiers
    digitized: int  # papers marked digitized (a signed electronic copy)
    signed: int  # papers whose current file is signed
    reused: int  # papers reused from the applicant's store
    digitized_dossiers: int  # dossiers whose every paper is digitized or reused
    electronic_results: int  # dossiers with a signed electronic result


def digitization_counts(dossiers: QuerySet[Dossier]) -> DigitizationCounts:
    """The figures of Index 766's digitization group for a set of dossiers (the scoreboard filters them
    by unit and period)."""
    papers = DossierPaper.objects.filter(dossier__in=dossiers.values("pk"))
    totals = papers.aggregate(
        papers=Count("pk"),
        digitized=Count("pk", filter=Q(digitized=True)),
        reused=Count("pk", filter=Q(reused=True)),
    )
    signed = (
        Document.objects.filter(paper__in=papers.values("pk"), current=True, certificate__isnull=False)
        .values("paper")
        .distinct()
        .count()
    )
    per_dossier = papers.values("dossier").annotate(
        n=Count("pk"), done=Count("pk", filter=Q(digitized=True) | Q(reused=True))
    )
    digitized_dossiers = sum(1 for row in per_dossier if row["n"] and row["n"] == row["done"])
    results = (
        Document.objects.filter(
            dossier__in=dossiers.values("pk"), kind=Document.Kind.RESULT, certificate__isnull=False
        )
        .values("dossier")
        .distinct()
        .count()
    )
    return DigitizationCounts(
        dossiers.count(),
        totals["papers"],
        totals["digitized"],
        signed,
        totals["reused"],
        digitized_dossiers,
        results,
    )


def dossier_documents(dossier: Dossier) -> QuerySet[Document]:
    return dossier.documents.select_related(
        "certificate", "certificate__unit", "added_by", "paper__component"
    )


def current_documents(dossier: Dossier) -> QuerySet[Document]:
    return dossier_documents(dossier).filter(current=True)


def by_public_id(public_id: str) -> Document | None:
    return (
        Document.objects.select_related("certificate", "certificate__unit", "unit")
        .filter(public_id=public_id[:24])
        .first()
    )


def by_sha256(sha256: str) -> Document | None:
    return Document.objects.select_related("certificate").filter(sha256=sha256).order_by("id").first()


def results_of(code: str) -> QuerySet[Document]:
    """A dossier's signed electronic results, newest first."""
    return Document.objects.filter(
        dossier__code=code, kind=Document.Kind.RESULT, certificate__isnull=False, current=True
    ).order_by("-added_at", "-id")


def may(actor, dossier: Dossier, action: str, now) -> bool:
    """Whether the actor may take a documents action on the dossier now (to offer its form)."""
    from motcua.dossiers.context import ActionContext
    from motcua.dossiers.lifecycle import record_of
    from motcua.dossiers.permissions import authorize
    from motcua.errors import Forbidden

    record = record_of(action)
    transition = record.transition_from(dossier.status) if record else None
    if transition is None:
        return False
    try:
        authorize(actor, transition, ActionContext(dossier, now, actor, {}, from_status=dossier.status))
    except Forbidden:
        return False
    return True


def signing_certificate_of(user, now):
    """The certificate the user would sign with now and why it may not, for the page: (certificate or
    None, reason (vi, en) or None)."""
    from . import certificates
    from .models import Certificate

    newest = Certificate.objects.filter(user=user).select_related("unit").order_by("-not_after", "-id")
    usable = next((c for c in newest if certificates.refusal(c, now) is None), None)
    if usable is not None:
        return usable, None
    first = newest.first()
    if first is None:
        return None, (
            "Bạn chưa có chứng thư số đã đăng ký để ký.",
            "You have no registered signing certificate.",
        )
    return first, certificates.refusal(first, now)


def filing_papers(code: str, dossier: Dossier | None = None) -> list[tuple]:
    """The papers of an online filing not received yet, each with its current file (or None): what the
    applicant may still attach files to. Empty for any other dossier (read by its code unless the
    caller has just read it)."""
    from motcua.dossiers.models import Status

    if dossier is None:
        dossier = Dossier.objects.filter(code=code, status=Status.NEW).first()
    if dossier is None or dossier.status != Status.NEW:
        return []
    files = {
        d.paper_id: d for d in Document.objects.filter(dossier=dossier, current=True, paper__isnull=False)
    }
    return [(p, files.get(p.pk)) for p in dossier.papers.select_related("component").order_by("id")]


@dataclass(frozen=True)
class ControlSlipState:
    """Form 06 of a dossier as the dossier page shows it: its current signed version, the hand-overs
    made after that signature, and whether this officer is the one to sign it now."""

    signed: Document | None
    unsigned_handovers: int
    signer: object | None  # the event whose officer signs the slip now
    may_sign: bool

    @property
    def up_to_date(self) -> bool:
        return self.signed is not None and not self.unsigned_handovers


def control_slip_state(actor, dossier: Dossier, now) -> ControlSlipState | None:
    """None before the dossier was received (dossier from dossiers.selectors.dossier_detail)."""
    from . import forms

    slip = forms.control_slip(dossier)
    if slip is None:
        return None
    signed = current_documents(dossier).filter(kind=Document.Kind.FORM, form_key=forms.CONTROL_SLIP).first()
    handovers = dossier.handovers.all()
    unsigned = [h for h in handovers if signed is None or signed.signed_at is None or h.at > signed.signed_at]
    mine = slip.issued_by(actor.user) and may(actor, dossier, "sign_form", now)
    return ControlSlipState(signed, len(unsigned), slip.event, mine)


def log_book_pages(unit, day) -> QuerySet[Document]:
    """The signed versions of a unit's log book page of one day, newest first."""
    return (
        Document.objects.filter(kind=Document.Kind.LOG_BOOK, unit=unit, day=day)
        .select_related("certificate", "added_by")
        .order_by("-version")
    )
