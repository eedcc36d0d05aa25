// Autosave for questionnaire pages: each answer is stored as soon as it changes, so nothing is
// lost if the browser closes. Progressive enhancement only: "Save and continue" works without it.
const form = document.querySelector("form[data-autosave]");

if (form) {
  const url = form.dataset.autosave;
  const status = form.querySelector("[data-autosave-status]");
  const csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  const timers = new Map();

  const save = async (item, value) => {
    const body = new FormData();
    body.append("item", item);
    body.append("value", value);
    try {
      const response = await fetch(url, {
        method: "POST",
        body,
        headers: { "X-CSRFToken": csrf },
        credentials: "same-origin",
      });
      const result = await response.json();
      if (status) status.textContent = result.saved ? "Your answer has been saved." : result.error;
    } catch (error) {
      if (status) status.textContent = "Could not save just now; your answers will be saved when you continue.";
    }
  };

  // Answers changed before this script ran (a quick click on a slow connection) are saved now.
  for (const field of form.querySelectorAll("input[type=radio]:checked")) {
    if (field.name && !field.defaultChecked) save(field.name, field.value);
  }
  for (const field of form.querySelectorAll("textarea")) {
    if (field.name && field.value !== field.defaultValue) save(field.name, field.value);
  }

  form.addEventListener("change", (event) => {
    const field = event.target;
    if (field.name && field.type === "radio") save(field.name, field.value);
  });
  form.addEventListener("input", (event) => {
    const field = event.target;
    if (field.tagName !== "TEXTAREA" || !field.name) return;
    clearTimeout(timers.get(field.name));
    timers.set(field.name, setTimeout(() => save(field.name, field.value), 800));
  });
}
