// The display board: htmx swaps the board in every few seconds; each new call (or recall) flashes and,
// once sound is turned on (browsers only play sound after a click), is read aloud from its WAV file.
(function () {
  "use strict";
  var lastSeen = null;
  var queue = [];
  var playing = false;
  var soundOn = false;

  function calls() {
    return Array.prototype.slice.call(document.querySelectorAll("[data-call-id]"));
  }

  function playNext() {
    if (playing || !queue.length) { return; }
    var url = queue.shift();
    var audio = new Audio(url);
    playing = true;
    var done = function () { playing = false; playNext(); };
    audio.addEventListener("ended", done);
    audio.addEventListener("error", done);
    audio.play().catch(done);
  }

  function check() {
    var items = calls();
    var ids = items.map(function (item) { return parseInt(item.getAttribute("data-call-id"), 10); });
    var newest = ids.length ? Math.max.apply(null, ids) : 0;
    if (lastSeen === null) { lastSeen = newest; return; }  // what was on the board before we came
    var fresh = items.filter(function (item) {
      return parseInt(item.getAttribute("data-call-id"), 10) > lastSeen;
    }).reverse();  // oldest first
    if (!fresh.length) { return; }
    lastSeen = newest;
    var now = document.getElementById("now-calling");
    if (now) { now.classList.add("flash"); }
    if (!soundOn) { return; }
    fresh.forEach(function (item) {
      var url = item.getAttribute("data-audio");
      if (url) { queue.push(url); }
    });
    playNext();
  }

  document.addEventListener("DOMContentLoaded", function () {
    check();
    var button = document.getElementById("sound");
    if (button) {
      button.addEventListener("click", function () {
        soundOn = !soundOn;
        button.setAttribute("aria-pressed", soundOn ? "true" : "false");
        button.textContent = button.getAttribute(soundOn ? "data-on" : "data-off");
      });
    }
  });
  document.body.addEventListener("htmx:afterSwap", check);
})();
