// The guided choice of a process: as the answers on a step change, ask the server the same
// question the page asks (with fragment=1) and put its answer in the panel, so the processes
// allowed update in place. Without this script each step is answered page by page.
const form = document.querySelector("form[data-guide]");
const panel = document.getElementById("guide");
if (form && panel) {
  let timer;
  const refresh = async () => {
    const params = new URLSearchParams(new FormData(form));
    params.set("fragment", "1");
    const response = await fetch(`${form.dataset.guide}?${params}`, {
      headers: { Accept: "text/html" },
      credentials: "same-origin",
    });
    if (response.ok) {
      panel.innerHTML = await response.text();
      panel.dataset.updated = String(Number(panel.dataset.updated || 0) + 1);
    }
  };
  form.addEventListener("change", refresh);
  form.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(refresh, 300);
  });
}
