"""People and businesses online: OpenID Connect log-in (the national identity service, or the demo's
local provider), "my dossiers" with withdrawal, and online filing with drafts."""
