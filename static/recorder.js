// Records one video answer: thinking countdown, recording with a countdown that stops
// by itself, then an upload with progress. A failed upload keeps the recording in
// memory so it can be sent again. The times are what the server says is left (a reload
// resumes rather than restarts); an interview without time limits has no countdowns.
// A practice question (data-practice) is played back in the page and never uploaded.
"use strict";

function pickType() {
  return ["video/webm;codecs=vp8,opus", "video/webm", "video/mp4"].find((t) => MediaRecorder.isTypeSupported(t)) || "";
}

function seconds(n) {
  return n === 1 ? "1 second" : `${n} seconds`;
}

function countdown(total, onTick, onDone) {
  let left = total;
  onTick(left);
  const timer = setInterval(() => {
    left -= 1;
    if (left <= 0) {
      clearInterval(timer);
      onDone();
    } else {
      onTick(left);
    }
  }, 1000);
  return () => clearInterval(timer);
}

document.addEventListener("DOMContentLoaded", async () => {
  const root = document.querySelector("[data-recorder]");
  if (!root) return;
  const $ = (selector) => root.querySelector(selector);
  const phase = $("[data-phase]");
  const timer = $("[data-timer]");
  const recordNow = $("[data-record-now]");
  const stop = $("[data-stop]");
  const retry = $("[data-retry]");
  const uploadBox = $("[data-upload]");
  const progress = $("[data-upload-progress]");
  const error = $("[data-error]");
  const unlimited = "unlimited" in root.dataset;
  const practice = "practice" in root.dataset;
  const thinking = Number(root.dataset.thinking);
  const answerTime = Number(root.dataset.answer);

  const fail = (message) => {
    error.textContent = message;
    error.hidden = false;
  };

  if (!navigator.mediaDevices || typeof MediaRecorder === "undefined") {
    fail("This browser can't record video. Please open your link in a current version of Chrome, Edge, Firefox or Safari.");
    return;
  }
  let stream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "user" }, audio: true });
  } catch (e) {
    fail("Your camera and microphone are not available. Allow them in your browser (the camera icon in the address bar), then reload this page.");
    return;
  }
  $("[data-preview]").srcObject = stream;

  let stopThinking = null;
  const startRecording = () => {
    if (stopThinking) stopThinking();
    recordNow.hidden = true;
    const type = pickType();
    const recorder = new MediaRecorder(stream, type ? { mimeType: type } : undefined);
    const chunks = [];
    recorder.addEventListener("dataavailable", (event) => { if (event.data.size > 0) chunks.push(event.data); });
    recorder.addEventListener("stop", () => {
      stream.getTracks().forEach((track) => track.stop());
      const blobType = (recorder.mimeType || type || "video/webm").split(";")[0];
      const blob = new Blob(chunks, { type: blobType });
      if (practice) playBack(blob); else upload(blob);
    });
    recorder.addEventListener("error", () => {
      fail("Recording stopped unexpectedly. Reload the page to record this answer again.");
    });
    recorder.start(1000);
    root.classList.add("recording");
    phase.textContent = "Recording";
    stop.hidden = false;
    stop.focus();
    const stopTimer = unlimited ? () => {} : countdown(answerTime, (left) => { timer.textContent = `${seconds(left)} left to answer`; }, () => {
      if (recorder.state !== "inactive") recorder.stop();
    });
    stop.addEventListener("click", () => {
      stopTimer();
      if (recorder.state !== "inactive") recorder.stop();
    }, { once: true });
  };

  // The practice recording, shown in the page; "Record again" reloads it for a new try.
  const playBack = (blob) => {
    root.classList.remove("recording");
    stop.hidden = true;
    timer.textContent = "";
    phase.textContent = "Your practice recording. Nothing was sent.";
    const playback = $("[data-playback]");
    playback.src = URL.createObjectURL(blob);
    playback.hidden = false;
    $("[data-preview]").hidden = true;
    const again = $("[data-practice-again]");
    again.hidden = false;
    again.addEventListener("click", () => location.reload(), { once: true });
    playback.focus();
  };

  const upload = (blob) => {
    root.classList.remove("recording");
    stop.hidden = true;
    retry.hidden = true;
    error.hidden = true;
    phase.textContent = "Saving your answer…";
    timer.textContent = "";
    uploadBox.hidden = false;
    progress.value = 0;
    const xhr = new XMLHttpRequest();
    xhr.open("POST", root.dataset.uploadUrl);
    xhr.setRequestHeader("Content-Type", blob.type);
    xhr.upload.addEventListener("progress", (event) => {
      if (event.lengthComputable) progress.value = Math.round((event.loaded / event.total) * 100);
    });
    xhr.addEventListener("load", () => {
      // An earlier attempt may have saved it and lost its reply: that 409 is a success.
      const alreadySaved = xhr.status === 409 && xhr.responseText.startsWith("This question already has a saved answer");
      if (xhr.status === 201 || alreadySaved) {
        progress.value = 100;
        phase.textContent = "Answer saved.";
        location.assign(root.dataset.nextUrl);
      } else if ((xhr.getResponseHeader("Content-Type") || "").startsWith("text/html")) {
        // The link closed meanwhile (cancelled, expired, completed in another tab): the
        // page itself says why, in words rather than markup.
        location.reload();
      } else {
        fail(xhr.responseText || "Your answer could not be saved.");
        retry.hidden = false;
      }
    });
    const interrupted = () => {
      fail("The connection was interrupted. Your recording is kept: try the upload again.");
      retry.hidden = false;
    };
    xhr.addEventListener("error", interrupted);
    xhr.addEventListener("abort", interrupted);
    xhr.addEventListener("timeout", interrupted);
    retry.onclick = () => upload(blob);
    xhr.send(blob);
  };

  if (unlimited) {
    phase.textContent = "Think about your answer, then start recording";
    recordNow.hidden = false;
    recordNow.addEventListener("click", startRecording, { once: true });
  } else if (thinking > 0) {
    phase.textContent = "Think about your answer";
    recordNow.hidden = false;
    recordNow.addEventListener("click", startRecording, { once: true });
    stopThinking = countdown(thinking, (left) => { timer.textContent = `Recording starts in ${seconds(left)}`; }, startRecording);
  } else {
    startRecording();
  }
});
