// The kiosk's ticket page: print the ticket when the kiosk asks for it (?print=1, e.g. Chromium in
// --kiosk-printing mode prints without a dialog), then go back to the service buttons.
(function () {
  "use strict";
  var ticket = document.getElementById("ticket");
  if (!ticket) { return; }
  var pdf = ticket.getAttribute("data-autoprint");
  if (pdf) {
    var frame = document.createElement("iframe");
    frame.hidden = true;
    frame.src = pdf;
    frame.addEventListener("load", function () {
      try { frame.contentWindow.print(); } catch (error) { /* the print button stays */ }
    });
    document.body.appendChild(frame);
  }
  var seconds = parseInt(ticket.getAttribute("data-return-after"), 10) || 20;
  var back = ticket.getAttribute("data-return-url");
  window.setTimeout(function () { window.location.assign(back); }, seconds * 1000);
})();
