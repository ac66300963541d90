// Progressive enhancement only: every page works without this file.
"use strict";

// Show exact times in the viewer's own time zone on hover.
function localiseTimes(root) {
  for (const el of root.querySelectorAll("time[datetime]")) {
    const at = new Date(el.getAttribute("datetime"));
    if (!Number.isNaN(at.getTime())) el.title = at.toLocaleString();
  }
}

// Send Interview: list only the chosen job's templates; pre-select a lone template.
function enhanceSendForm(root) {
  const form = root.querySelector("form[data-send-form]");
  if (!form) return;
  const select = form.querySelector("[data-job-select]");
  const options = [...form.querySelectorAll(".template-option")];
  const hint = form.querySelector("[data-choose-job-hint]");
  if (select) {
    const update = () => {
      let visible = [];
      for (const option of options) {
        const show = option.dataset.jobId === select.value;
        option.hidden = !show;
        const radio = option.querySelector("input[type=radio]");
        if (!show && radio.checked) radio.checked = false;
        if (show) visible.push(radio);
      }
      if (visible.length === 1) visible[0].checked = true;
      if (hint) hint.hidden = select.value !== "";
    };
    select.addEventListener("change", update);
    update();
  }
  form.addEventListener("submit", () => {
    const button = form.querySelector("button[type=submit]");
    // The server's idempotency key already makes a second click harmless; this only shows progress.
    if (button) setTimeout(() => { button.disabled = true; button.textContent = "Sending…"; }, 0);
  });
}

// The Send Interview modal: the same form as the page, in a <dialog>
// (focus stays inside while open; Esc closes; focus returns to the button).
let modalLoading = false;

function openSendModal(link) {
  // A second click while the form loads (or while a dialog is open) opens nothing more.
  if (modalLoading || document.querySelector("dialog.modal[open]")) return;
  modalLoading = true;
  const url = new URL(link.href, location.href);
  url.searchParams.set("modal", "1");
  // A link may say where to come back to (the application's Interviews tab); else here.
  if (!url.searchParams.has("return_to")) url.searchParams.set("return_to", location.pathname + location.search);
  fetch(url, { credentials: "same-origin", headers: { Accept: "text/html" } })
    .then((response) => {
      if (!response.ok) throw new Error(String(response.status));
      return response.text();
    })
    .then((html) => {
      const dialog = document.createElement("dialog");
      dialog.className = "modal";
      dialog.setAttribute("aria-labelledby", "modal-title");
      dialog.innerHTML =
        '<div class="modal-header"><h2 id="modal-title">Send Interview</h2>' +
        '<button type="button" class="button button-quiet modal-close" aria-label="Close">×</button></div>' +
        '<div class="modal-body"></div>';
      const body = dialog.querySelector(".modal-body");
      body.innerHTML = html;
      document.body.append(dialog);
      const close = () => dialog.close();
      dialog.querySelector(".modal-close").addEventListener("click", close);
      for (const cancel of dialog.querySelectorAll("[data-close-dialog]")) {
        cancel.addEventListener("click", (event) => { event.preventDefault(); close(); });
      }
      dialog.addEventListener("click", (event) => { if (event.target === dialog) close(); });
      dialog.addEventListener("close", () => { dialog.remove(); link.focus(); });
      enhanceSendForm(dialog);
      dialog.showModal();
      const first = dialog.querySelector("select, input[type=radio], .notice a, button[type=submit]");
      if (first) first.focus();
    })
    .catch(() => { location.href = link.href; })
    .finally(() => { modalLoading = false; });
}

document.addEventListener("click", (event) => {
  const link = event.target.closest("a[href*='/send-interview']");
  if (!link || event.ctrlKey || event.metaKey || event.shiftKey || typeof HTMLDialogElement !== "function") return;
  event.preventDefault();
  openSendModal(link);
});

// Forms that undo something ask first.
document.addEventListener("submit", (event) => {
  const message = event.target.dataset && event.target.dataset.confirm;
  if (message && !window.confirm(message)) event.preventDefault();
});

// An open actions menu closes when another opens or on a click elsewhere.
document.addEventListener("click", (event) => {
  for (const menu of document.querySelectorAll("details.menu[open]")) {
    if (!menu.contains(event.target)) menu.open = false;
  }
});

// Candidates page: a select-all checkbox (shown only with JavaScript) and a count of
// the selection for the "Send Interview to selected" form.
function enhanceBulkForm(root) {
  const form = root.querySelector("form.bulk-form");
  if (!form) return;
  const all = form.querySelector("[data-select-all]");
  const boxes = [...form.querySelectorAll("input[type=checkbox][name=ids]")];
  const count = form.querySelector("[data-selected-count]");
  const update = () => {
    const checked = boxes.filter((box) => box.checked).length;
    if (all) {
      all.checked = checked > 0 && checked === boxes.length;
      all.indeterminate = checked > 0 && checked < boxes.length;
    }
    if (count) count.textContent = checked === 0 ? "" : `${checked} selected`;
  };
  if (all) {
    all.hidden = false;
    all.addEventListener("change", () => {
      for (const box of boxes) box.checked = all.checked;
      update();
    });
  }
  for (const box of boxes) box.addEventListener("change", update);
  update();
}

// Coming back with the Back button shows the page as it was left: enable its buttons again.
window.addEventListener("pageshow", (event) => {
  if (!event.persisted) return;
  for (const button of document.querySelectorAll("form[data-send-form] button[type=submit][disabled]")) {
    button.disabled = false;
    button.textContent = "Send Interview Invitation";
  }
});

document.addEventListener("DOMContentLoaded", () => {
  localiseTimes(document);
  enhanceSendForm(document);
  enhanceBulkForm(document);
});
