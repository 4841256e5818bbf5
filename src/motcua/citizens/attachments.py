"""The papers of an online filing: the hook for the electronic documents (app `documents`). Without
it the applicant ticks each checklist paper they attach; the counter checks the dossier as for any
online filing and asks for a supplement when a paper is missing.

The documents app plugs in by naming its own functions in settings.MOTCUA: "ONLINE_PAPERS" receives
the draft and the checklist (components by code) and returns the PaperIn list (each paper with a file
uploaded or reused from the applicant's store); "ONLINE_PAPER_FILES" turns the draft's files into the
new dossier's documents, inside the submission's transaction."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.utils.module_loading import import_string

from motcua.catalog.models import Component
from motcua.dossiers.services import PaperIn

from .models import Draft

PapersOf = Callable[[Draft, dict[str, Component]], list[PaperIn]]
DEFAULT = "motcua.citizens.attachments.declared_papers"
NO_FILES = "motcua.citizens.attachments.no_files"


def declared_papers(draft: Draft, components: dict[str, Component]) -> list[PaperIn]:
    """The papers the applicant said they attach, as digitized copies of the checklist's form."""
    codes = [c for c in draft.data.get("papers", []) if c in components]
    return [PaperIn(component=c, form=components[c].form, digitized=True) for c in dict.fromkeys(codes)]


def papers_of(draft: Draft, components: dict[str, Component]) -> list[PaperIn]:
    provider: PapersOf = import_string(getattr(settings, "MOTCUA", {}).get("ONLINE_PAPERS", DEFAULT))
    return provider(draft, components)


def no_files(*, citizen, draft: Draft, dossier, now) -> list:
    return []


def file_papers(*, citizen, draft: Draft, dossier, now) -> list:
    """The draft's files made the submitted dossier's documents (the documents app's hook)."""
    filer = import_string(getattr(settings, "MOTCUA", {}).get("ONLINE_PAPER_FILES", NO_FILES))
    return filer(citizen=citizen, draft=draft, dossier=dossier, now=now)
