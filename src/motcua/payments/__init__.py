"""Online payment of fees through a pluggable gateway, as the national payment platform works: the
applicant is redirected to the gateway, the gateway calls back with a signed result (checked, once:
idempotent, replays refused), the payment gets an electronic receipt number, the dossier records
"paid online" (the table's `pay_online` record), and each day's payments are reconciled with the
gateway's statement. The demo gateway (demo.py) has a page to approve or decline."""
