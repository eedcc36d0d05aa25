// Progressive enhancement of "Preparing the PDF": without this file the page has a link to check
// again. With it, the page asks every few seconds whether the PDF is ready (a JSON status that
// downloads nothing and records nothing) and, when it is, says so in a polite live region and turns
// the link into "Download the PDF". It never reloads the page or starts a download by itself.
const box = document.querySelector("[data-pdf-status]");
if (box) {
  const message = box.querySelector("[data-pdf-status-message]");
  const link = box.querySelector("[data-pdf-download]");
  let waited = 0;
  const check = async () => {
    waited += 1;
    let status = "pending";
    try {
      const response = await fetch(box.dataset.pdfStatus, { headers: { Accept: "application/json" } });
      if (response.ok) status = (await response.json()).status;
    } catch (error) {
      status = "pending";
    }
    if (status === "ready") {
      link.textContent = "Download the PDF";
      message.classList.remove("nhsuk-u-visually-hidden");
      message.textContent = "The PDF is ready.";
      return;
    }
    if (status === "failed") {
      message.classList.remove("nhsuk-u-visually-hidden");
      message.textContent = "The PDF could not be made. Try again in a minute.";
      return;
    }
    if (waited < 60) window.setTimeout(check, 3000);
  };
  window.setTimeout(check, 2000);
}
