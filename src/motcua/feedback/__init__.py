"""Satisfaction: the applicants' ratings of their dossiers (the lifecycle's `rate` record, from "my
dossiers", the tracking page or the return desk's tablet) and their feedback and complaints (phản
ánh, kiến nghị), routed to the unit concerned with a legal handling time on the clock and a published
answer. satisfaction_counts is what the Index 766 scoreboard reads."""
