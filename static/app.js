// Progressive enhancement only: every page works without this file.
"use strict";

// Show exact times in the viewer's own time zone on hover.
function localiseTimes(root) {
  for (const el of root.querySelectorAll("time[datetime]")) {
    const at = new Date(el.getAttribute("datetime"));
    if (!Number.isNaN(at.getTime())) el.title = at.toLocaleString();
  }
}

document.addEventListener("DOMContentLoaded", () => {
  localiseTimes(document);
});
