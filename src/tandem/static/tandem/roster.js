// Name generator: narrows the list of names as you type. The search button (a GET form) does the
// same without JavaScript, so this only saves a round trip.
const input = document.querySelector("[data-roster-filter]");
if (input) {
  input.addEventListener("input", () => {
    const needle = input.value.trim().toLowerCase();
    for (const item of document.querySelectorAll(".nhsuk-checkboxes__item[data-roster-name]")) {
      item.hidden = needle !== "" && !item.dataset.rosterName.includes(needle);
    }
  });
}
