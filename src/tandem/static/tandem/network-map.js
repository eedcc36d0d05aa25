// Interactive network maps: replaces each static SVG with a Cytoscape.js map (pan, zoom, drag)
// once its pseudonymised elements have loaded. The SVG and the tables stay if anything fails.
// As the SVG (networks/svg.py): a profession that is not shown (null) is drawn hollow, a level
// that is not shown as a triangle, and a person whose ties are not counted (degree null) at one size.
const COLOURS = { doctor: "#0072B2", manager: "#D55E00", other_clinician: "#009E73", other: "#6B6B6B" };
const SHAPES = { executive: "rectangle", senior: "diamond", service: "ellipse" };
const NOT_SHOWN = { fill: "#ffffff", stroke: "#4C6272", shape: "triangle", size: 14 };
const size = (n) => (n.data("degree") == null ? NOT_SHOWN.size : 10 + 3 * Math.sqrt(n.data("degree")));

async function enhance(container) {
  if (!window.cytoscape) return;
  const response = await fetch(container.dataset.networkElements, { credentials: "same-origin" });
  if (!response.ok) return;
  const { elements } = await response.json();
  const svg = container.querySelector("svg");
  const target = document.createElement("div");
  target.className = "tandem-network-canvas";
  target.setAttribute("role", "img");
  target.setAttribute("aria-label", svg ? svg.getAttribute("aria-label") : container.dataset.networkTitle);
  container.append(target);
  window.cytoscape({
    container: target,
    elements,
    layout: { name: "cose", randomize: false, animate: false },
    style: [
      {
        selector: "node",
        style: {
          label: "data(label)",
          "font-size": 9,
          "background-color": (n) =>
            n.data("profession") ? COLOURS[n.data("profession")] || COLOURS.other : NOT_SHOWN.fill,
          "border-width": (n) => (n.data("profession") ? 0 : 2),
          "border-color": NOT_SHOWN.stroke,
          shape: (n) => (n.data("level") ? SHAPES[n.data("level")] || "ellipse" : NOT_SHOWN.shape),
          width: size,
          height: size,
        },
      },
      { selector: "edge", style: { width: 1, "line-color": "#8A8A8A", "curve-style": "straight", "target-arrow-shape": "triangle", "target-arrow-color": "#8A8A8A", "arrow-scale": 0.6, opacity: 0.7 } },
      { selector: 'edge[status = "gained"]', style: { width: 2.5, "line-color": "#007F3B", "target-arrow-color": "#007F3B" } },
      { selector: 'edge[status = "lost"]', style: { width: 2, "line-color": "#D5281B", "line-style": "dashed", "target-arrow-color": "#D5281B" } },
    ],
  });
  if (svg) svg.hidden = true;
}

window.addEventListener("load", () => {
  for (const container of document.querySelectorAll("[data-network-elements]")) {
    enhance(container).catch(() => {});
  }
});
