// Practice round: a countdown that can start and pause, dictation where the browser
// offers it, and Ctrl+Enter to submit. Without this file the form still works.
(function () {
  "use strict";
  var timer = document.getElementById("timer");
  var form = document.getElementById("answer-form");
  if (!timer || !form) return;
  var target = parseInt(timer.dataset.seconds, 10) || 120;
  var elapsed = 0, running = false, handle = null;
  var toggle = document.getElementById("timer-toggle");
  var taken = document.getElementById("seconds_taken");
  var answer = document.getElementById("answer");

  function show() {
    var left = target - elapsed;
    var sign = left < 0 ? "-" : "";
    var abs = Math.abs(left);
    timer.textContent = sign + Math.floor(abs / 60) + ":" + String(abs % 60).padStart(2, "0");
    timer.classList.toggle("text-danger", left < 0);
    timer.dataset.elapsed = String(elapsed);
    taken.value = String(elapsed);
  }
  function tick() { elapsed += 1; show(); }
  function start() {
    if (running) return;
    running = true;
    handle = window.setInterval(tick, 1000);
    toggle.textContent = "Pause";
  }
  function pause() {
    running = false;
    window.clearInterval(handle);
    toggle.textContent = "Resume";
  }
  toggle.addEventListener("click", function () { (running ? pause : start)(); });
  // The clock waits for the candidate: Start, or the first word typed, sets it going.
  answer.addEventListener("input", start, { once: true });
  answer.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) form.requestSubmit();
  });
  show();

  var Recognition = window.SpeechRecognition || window.webkitSpeechRecognition;
  var dictate = document.getElementById("dictate");
  if (Recognition && dictate) {
    dictate.classList.remove("d-none");
    var recognition = new Recognition();
    recognition.continuous = true;
    recognition.interimResults = false;
    var listening = false;
    recognition.onresult = function (event) {
      for (var i = event.resultIndex; i < event.results.length; i += 1) {
        if (event.results[i].isFinal) answer.value += (answer.value ? " " : "") + event.results[i][0].transcript.trim();
      }
    };
    recognition.onend = function () { listening = false; dictate.textContent = "Dictate"; };
    dictate.addEventListener("click", function () {
      if (listening) { recognition.stop(); return; }
      listening = true;
      dictate.textContent = "Stop dictating";
      recognition.start();
    });
  }
})();
