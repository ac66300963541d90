// The landing page's device check: camera preview, microphone level, and whether this
// browser can record. It only informs; the answers page asks for the devices again.
"use strict";

const HELP = {
  denied:
    "<p><strong>Your browser blocked the camera or microphone.</strong> To allow them:</p><ul>" +
    "<li>Chrome or Edge: click the camera icon or the lock at the left of the address bar, allow Camera and Microphone, then reload.</li>" +
    "<li>Firefox: click the camera icon in the address bar, remove the block, then reload.</li>" +
    "<li>Safari: Safari menu › Settings for This Website, set Camera and Microphone to Allow, then reload.</li>" +
    "<li>On a phone, also check that the browser may use the camera in the system settings.</li></ul>",
  missing:
    "<p><strong>No camera or microphone was found.</strong> Connect one (or use a laptop or phone that has them), close other apps that may be using it, then check again.</p>",
  unsupported:
    "<p><strong>This browser can't record video.</strong> Please open your link in a current version of Chrome, Edge, Firefox or Safari.</p>",
};

function recordingType() {
  if (typeof MediaRecorder === "undefined") return null;
  return ["video/webm;codecs=vp8,opus", "video/webm", "video/mp4"].find((t) => MediaRecorder.isTypeSupported(t)) || null;
}

function setCheck(root, name, ok, text) {
  const item = root.querySelector(`[data-check="${name}"]`);
  if (!item) return;
  item.classList.toggle("check-ok", ok);
  item.classList.toggle("check-failed", !ok);
  item.querySelector("span").textContent = text;
}

async function runCheck(root) {
  const status = root.querySelector("[data-device-status]");
  const help = root.querySelector("[data-device-help]");
  const retry = root.querySelector("[data-device-retry]");
  help.hidden = true;
  retry.hidden = true;
  const type = recordingType();
  setCheck(root, "recording", Boolean(type), type ? "supported" : "not supported");
  if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia || !type) {
    status.textContent = "This browser can't record your answers.";
    help.innerHTML = HELP.unsupported;
    help.hidden = false;
    return;
  }
  let stream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "user" }, audio: true });
  } catch (error) {
    const denied = error && (error.name === "NotAllowedError" || error.name === "SecurityError");
    setCheck(root, "camera", false, "not available");
    setCheck(root, "microphone", false, "not available");
    status.textContent = denied ? "Camera and microphone access was blocked." : "No camera or microphone was found.";
    help.innerHTML = denied ? HELP.denied : HELP.missing;
    help.hidden = false;
    retry.hidden = false;
    return;
  }
  root.querySelector("[data-preview]").srcObject = stream;
  setCheck(root, "camera", stream.getVideoTracks().length > 0, stream.getVideoTracks().length > 0 ? "working" : "not found");
  setCheck(root, "microphone", stream.getAudioTracks().length > 0, stream.getAudioTracks().length > 0 ? "working" : "not found");
  status.textContent = "Your camera and microphone work. Say something to see the microphone level move.";
  root.classList.add("device-ready");
  meterMicrophone(stream, root.querySelector("[data-mic-level]"));
}

function meterMicrophone(stream, meter) {
  const AudioContextClass = window.AudioContext || window.webkitAudioContext;
  if (!AudioContextClass || !meter || stream.getAudioTracks().length === 0) return;
  const context = new AudioContextClass();
  const analyser = context.createAnalyser();
  analyser.fftSize = 512;
  context.createMediaStreamSource(stream).connect(analyser);
  const samples = new Uint8Array(analyser.fftSize);
  const tick = () => {
    analyser.getByteTimeDomainData(samples);
    let peak = 0;
    for (const sample of samples) peak = Math.max(peak, Math.abs(sample - 128));
    const level = Math.min(100, Math.round((peak / 128) * 200));
    meter.value = level;
    meter.textContent = `${level}%`;
    requestAnimationFrame(tick);
  };
  tick();
}

function stopPreview(root) {
  const preview = root.querySelector("[data-preview]");
  if (preview.srcObject) preview.srcObject.getTracks().forEach((track) => track.stop());
  preview.srcObject = null;
}

document.addEventListener("DOMContentLoaded", () => {
  const root = document.querySelector("[data-device-check]");
  if (!root) return;
  const retry = root.querySelector("[data-device-retry]");
  retry.addEventListener("click", async () => {
    retry.disabled = true;
    stopPreview(root);
    await runCheck(root);
    retry.disabled = false;
  });
  // The question page asks for the devices itself: release them here first.
  for (const form of document.querySelectorAll("form[action$='/start']")) {
    form.addEventListener("submit", () => stopPreview(root));
  }
  runCheck(root);
});
