// Marks the page as one that runs scripts, before NHS.UK's components start (they style
// themselves differently with and without JavaScript). Loaded from a file, not written
// inline, so the Content-Security-Policy can refuse every inline script.
document.body.className +=
  " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " nhsuk-frontend-supported" : "");
