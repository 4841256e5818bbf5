"""The outbox of messages to applicants: made by following the dossiers' event log (received,
supplement requested, payment due, result ready, late with the apology's new date, returned), in the
applicant's language, per their consent for that dossier; sent by e-mail (Django's mail backends) or
SMS / Zalo (a pluggable HTTP sender with a template), with retries and back-off, never twice."""
