from django.core.management.commands import makemessages


class Command(makemessages.Command):
    """makemessages without fuzzy guesses: a guessed translation is silently left out of the compiled
    catalog, so a new text would show in English; better an empty entry that the translation test catches."""

    msgmerge_options = [*makemessages.Command.msgmerge_options, "--no-fuzzy-matching"]
