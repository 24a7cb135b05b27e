// Shows a background task's progress on an upload's page: asks the server for it every
// second and, once the task has finished a step, reloads the page to show the result.
// Without JavaScript the page refreshes itself instead (a meta refresh inside <noscript>).
const box = document.getElementById("upload-state");
if (box && box.dataset.working === "yes") {
  const status = document.getElementById("upload-status");
  const stage = document.getElementById("upload-stage");
  const bar = document.getElementById("upload-bar");
  const poll = async () => {
    let state;
    try {
      const answer = await fetch(box.dataset.progress, { headers: { Accept: "application/json" } });
      if (!answer.ok) throw new Error(String(answer.status));
      state = await answer.json();
    } catch {
      setTimeout(poll, 3000);
      return;
    }
    if (!state.working) {
      window.location.reload();
      return;
    }
    status.textContent = state.label;
    let text = state.stage;
    if (state.done !== null && state.total) {
      text += `: ${state.done.toLocaleString("en-GB")} of about ${state.total.toLocaleString("en-GB")} lines`;
    }
    stage.textContent = text;
    if (state.percent !== null) bar.value = state.percent;
    setTimeout(poll, 1000);
  };
  setTimeout(poll, 1000);
}
