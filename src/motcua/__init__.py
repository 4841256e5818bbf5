"""motcua: one-stop public administration service center."""

__version__ = "0.1.0"
