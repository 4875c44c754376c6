import { render } from "preact";
import { getCurrentWebviewWindow } from "@tauri-apps/api/webviewWindow";
import { App } from "./app";
import { KioskApp } from "./kiosk";

const root = document.getElementById("app");

// A crash in the UI shows itself instead of leaving a blank window.
function showCrash(message: string) {
  const p = document.createElement("p");
  p.className = "error crash";
  p.textContent = `Consentry's window hit an error: ${message}. Nothing was changed. Close and reopen the app.`;
  document.body.prepend(p);
}
window.addEventListener("error", (e) => showCrash(e.message));
window.addEventListener("unhandledrejection", (e) => showCrash(`${String(e.reason)} ${e.reason?.stack ?? ""}`));

// The kiosk window runs its own, capture-only screen (its capability grants nothing else).
const kiosk = getCurrentWebviewWindow().label === "kiosk";
if (kiosk) document.body.classList.add("kiosk-mode");
if (root) render(kiosk ? <KioskApp /> : <App />, root);
