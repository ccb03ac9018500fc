// Poll a bulk award's progress until it is done or has failed.
(function () {
  const text = document.getElementById("bulk-progress");
  const bar = document.querySelector("progress");
  if (!text) return;

  async function poll() {
    const response = await fetch(text.dataset.url, { headers: { Accept: "application/json" } });
    const progress = await response.json();
    bar.value = progress.done;
    if (progress.status === "done") {
      text.textContent = `All ${progress.total} badges have been awarded; the emails are on their way.`;
    } else if (progress.status === "failed") {
      text.textContent = `Nothing was awarded: ${progress.error}`;
    } else {
      text.textContent = `${progress.done} of ${progress.total} awarded…`;
      setTimeout(poll, 1000);
    }
  }
  poll();
})();
