// dxgraph: progressive enhancement of the differential form (autocomplete, note extraction, live results).
// Without this file the form still works through plain POSTs.
"use strict";
(() => {
  const form = document.getElementById("dx");
  if (!form || !window.fetch) return;
  const $ = (selector, root = document) => root.querySelector(selector);
  const T = JSON.parse($("#i18n").textContent);
  const FIELDS = JSON.parse($("#field-inputs").textContent);
  const t = (key) => T[key] || key;
  const lang = form.elements.lang.value;
  const rows = $("#rows"), noRows = $("#no-rows"), input = $("#add"), list = $("#add-list");
  const results = $("#results"), resultsBody = $("#results-body"), errors = $("#errors"), status = $("#status");
  const NEGATED = /^(?:-\s*|(?:no|not|sin|niega|denies)\s+)/i;
  const VITALS = ["heart_rate", "respiratory_rate", "systolic_bp", "diastolic_bp", "spo2"];

  // ---- small helpers ------------------------------------------------------------------------
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "class") el.className = value;
      else if (key === "text") el.textContent = value;
      else el.setAttribute(key, value === true ? "" : value);
    }
    for (const child of children.flat()) if (child !== null && child !== undefined && child !== false) el.append(child);
    return el;
  }
  const pct = (p) => (p < 0.001 ? "<0.1%" : (p * 100).toFixed(1) + "%");
  const pct0 = (p) => (p === null || p === undefined ? "–" : Math.round(p * 100) + "%");
  function ratio(c) {
    const r = c.likelihood_ratio;
    if (r >= 1) return r < 1000 ? "×" + r.toFixed(1) : "×>999";
    const inverse = r > 0 ? 1 / r : Infinity;
    return inverse < 1000 ? "÷" + inverse.toFixed(1) : "÷>999";
  }
  const meter = (value, label) => h("meter", { min: 0, max: 1, value, "aria-label": label });

  async function call(url, body) {
    errors.replaceChildren();
    for (const el of form.querySelectorAll("[aria-invalid]")) el.removeAttribute("aria-invalid");
    try {
      const options = body === undefined ? {} : {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify(body),
      };
      const response = await fetch(url, options);
      const data = await response.json().catch(() => ({ error: response.statusText }));
      if (!response.ok) { showError(data); return null; }
      return data;
    } catch (error) {
      showError({ error: t("network_error") });
      return null;
    }
  }
  function showError(data) {
    errors.replaceChildren(h("p", { class: "error" }, h("strong", { text: t("check") + ": " }), data.error || ""));
    const target = data.field && FIELDS[data.field] && document.getElementById(FIELDS[data.field]);
    if (target) target.setAttribute("aria-invalid", "true");
  }

  // ---- chosen findings ----------------------------------------------------------------------
  const syncEmpty = () => { noRows.hidden = rows.children.length > 0; };
  function addRow(id, label, present = true, severity = "") {
    let row = [...rows.children].find((li) => li.dataset.id === id);
    if (!row) {
      row = $("#tpl-row").content.firstElementChild.cloneNode(true);
      row.dataset.id = id;
      row.querySelector("input[name=f_id]").value = id;
      row.querySelector(".label").textContent = label;
      row.querySelector(".term-id").textContent = id;
      row.querySelector(".state").setAttribute("aria-label", `${t("status")}: ${label}`);
      row.querySelector(".severity").setAttribute("aria-label", `${t("severity")}: ${label}`);
      const remove = row.querySelector(".remove");
      remove.value = id;
      remove.setAttribute("aria-label", `${t("remove")}: ${label}`);
      rows.append(row);
    }
    row.querySelector(".state").value = present ? "present" : "absent";
    if (severity) row.querySelector(".severity").value = severity;
    syncEmpty();
    return row;
  }

  // ---- autocomplete (ARIA combobox) ---------------------------------------------------------
  let options = [], active = -1, timer = 0, pending = null;
  function closeList() {
    list.hidden = true;
    list.replaceChildren();
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    options = [];
    active = -1;
  }
  async function lookup(text, limit) {
    pending?.abort();
    pending = new AbortController();
    const url = `/api/v1/phenotypes?q=${encodeURIComponent(text)}&lang=${lang}&limit=${limit}`;
    const response = await fetch(url, { signal: pending.signal });
    return response.ok ? (await response.json()).results : [];
  }
  async function suggest() {
    const text = input.value.replace(NEGATED, "").trim();
    if (text.length < 2) { closeList(); return; }
    try {
      options = await lookup(text, 8);
    } catch (error) {
      return; // aborted by a newer keystroke
    }
    if (!options.length) { closeList(); return; }
    list.replaceChildren(...options.map((option, i) => h("li",
      { id: `add-opt-${i}`, role: "option", "aria-selected": "false", "data-index": i },
      option.label,
      h("small", { text: option.matched !== option.label ? `${option.matched} · ${option.id}` : option.id }))));
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
    highlight(0);
  }
  function highlight(index) {
    active = (index + options.length) % options.length;
    [...list.children].forEach((li, i) => li.setAttribute("aria-selected", i === active ? "true" : "false"));
    input.setAttribute("aria-activedescendant", `add-opt-${active}`);
    list.children[active]?.scrollIntoView({ block: "nearest" });
  }
  function choose(index) {
    const option = options[index];
    if (!option) return;
    addRow(option.id, option.label, !NEGATED.test(input.value));
    input.value = "";
    closeList();
    input.focus();
  }
  input.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(suggest, 120); });
  input.addEventListener("keydown", (event) => {
    const open = !list.hidden && options.length > 0;
    if (event.key === "ArrowDown" && open) { event.preventDefault(); highlight(active + 1); }
    else if (event.key === "ArrowUp" && open) { event.preventDefault(); highlight(active - 1); }
    else if (event.key === "Escape" && open) { event.preventDefault(); closeList(); }
    else if (event.key === "Enter" && input.value.trim()) {
      event.preventDefault();
      if (open) choose(Math.max(active, 0));
      else addTyped();
    }
  });
  input.addEventListener("blur", () => setTimeout(closeList, 150));
  list.addEventListener("mousedown", (event) => event.preventDefault()); // keep focus in the input
  list.addEventListener("click", (event) => {
    const li = event.target.closest("[role=option]");
    if (li) choose(Number(li.dataset.index));
  });
  async function addTyped() {
    // text typed but not picked from the list: take the best match
    const text = input.value.trim();
    if (!text) return;
    const negated = NEGATED.test(text);
    let found = [];
    try { found = await lookup(text.replace(NEGATED, ""), 1); } catch (error) { return; }
    if (found.length) { addRow(found[0].id, found[0].label, !negated); input.value = ""; }
    closeList();
  }

  // ---- the clinical note --------------------------------------------------------------------
  const suggestions = $("#suggestions");
  async function extract() {
    const data = await call("/api/v1/extract", { text: $("#note").value, lang });
    if (!data) return;
    const known = new Set([...rows.children].map((li) => li.dataset.id));
    const found = data.findings.filter((f) => !known.has(f.id));
    if (!found.length) { suggestions.replaceChildren(h("p", { class: "hint", text: t("none_found") })); return; }
    suggestions.replaceChildren(h("fieldset", { class: "suggestions" },
      h("legend", { text: t("suggestions") }),
      h("ul", null, found.map((f) => h("li", null, h("label", null,
        h("input", { type: "checkbox", name: "confirm", checked: true, value: `${f.id}|${f.present ? "present" : "absent"}|${f.severity || ""}`,
          "data-id": f.id, "data-label": f.label, "data-present": f.present ? "1" : "0", "data-severity": f.severity || "" }),
        h("span", { text: f.label }),
        h("span", { class: `badge ${f.present ? "present" : "absent"}`,
          text: t(f.present ? "present" : "absent") + (f.severity ? ", " + t("sev_" + f.severity) : "") }),
        h("q", { text: f.text }))))),
      h("button", { type: "submit", name: "action", value: "confirm", class: "confirm" }, t("add_selected"))));
    suggestions.querySelector("input")?.focus();
  }
  function confirmSuggestions() {
    for (const box of suggestions.querySelectorAll("input[name=confirm]:checked")) {
      addRow(box.dataset.id, box.dataset.label, box.dataset.present === "1", box.dataset.severity);
    }
    suggestions.replaceChildren();
    input.focus();
  }

  // ---- the differential ---------------------------------------------------------------------
  function number(name) {
    const raw = form.elements[name].value.trim().replace(",", ".");
    if (raw === "") return undefined;
    return Number.isNaN(Number(raw)) ? raw : Number(raw);
  }
  function payload() {
    const observed = [], excluded = [];
    for (const row of rows.children) {
      const id = row.dataset.id, severity = row.querySelector(".severity").value;
      if (row.querySelector(".state").value === "absent") excluded.push(id);
      else observed.push(severity ? { id, severity } : { id });
    }
    const body = { observed, excluded, context: form.elements.context.value, lang, top: 10, explain: 10, questions: 5 };
    const age = number("age");
    if (age !== undefined) body.age = age;
    if (form.elements.sex.value) body.sex = form.elements.sex.value;
    const vitals = {};
    const temperature = number("temperature");
    if (temperature !== undefined) {
      vitals[form.elements.temperature_unit.value === "F" ? "temperature_f" : "temperature_c"] = temperature;
    }
    for (const name of VITALS) { const value = number(name); if (value !== undefined) vitals[name] = value; }
    if (Object.keys(vitals).length) body.vitals = vitals;
    return body;
  }
  function explanation(d) {
    const e = d.explanation;
    return h("details", { class: "why" },
      h("summary", null, t("why") + " ", h("span", { class: "sr", text: d.label })),
      h("div", { class: "table-wrap" }, h("table", null,
        h("caption", { text: t("why_caption") }),
        h("thead", null, h("tr", null, ["finding", "effect", "match", "annotation"].map((k) => h("th", { scope: "col", text: t(k) })))),
        h("tbody", null, e.contributions.map((c) => h("tr", { class: c.direction },
          h("td", null, c.label + " ", h("small", { text: `(${t(c.present ? "present" : "absent")}${c.severity ? ", " + t("sev_" + c.severity) : ""})` })),
          h("td", { class: "effect" }, h("span", { "aria-hidden": "true", text: c.direction === "up" ? "▲ " : "▼ " }),
            `${t(c.direction === "up" ? "raises" : "lowers")} ${ratio(c)}`),
          h("td", { text: t("match_" + c.match) }),
          h("td", null, c.matched_term ? [c.matched_label, c.matched_frequency !== null
            ? h("small", { text: ` (${t("frequency")} ${pct0(c.matched_frequency)})` }) : null] : null)))))),
      e.missing_frequent.length ? [h("p", { class: "missing-title", text: t("missing") + ":" }),
        h("ul", { class: "missing" }, e.missing_frequent.map((m) => h("li", null, m.label + " ", h("small", { text: `(${pct0(m.frequency)})` }))))] : null,
      h("p", null, h("a", { href: d.url, target: "_blank", rel: "noopener", text: `${t("details")}: ${d.label}` })));
  }
  function render(r) {
    const parts = [
      h("ol", { class: "ranking" }, r.ranking.map((d) => h("li", { class: "disease" },
        h("div", { class: "disease-head" },
          h("span", { class: "rank", text: d.rank + "." }),
          h("a", { class: "name", href: d.url, target: "_blank", rel: "noopener", text: d.label }),
          h("span", { class: `badge ${d.kind}`, text: t(d.kind) }),
          h("span", { class: "prob", text: pct(d.probability) })),
        meter(d.probability, `${t("probability")} ${pct(d.probability)}`),
        d.explanation ? explanation(d) : null))),
      h("div", { class: "other" },
        h("div", { class: "disease-head" }, h("span", { class: "name", text: t("other") }), h("span", { class: "prob", text: pct(r.other_probability) })),
        meter(r.other_probability, `${t("other")} ${pct(r.other_probability)}`)),
    ];
    if (r.questions.length) {
      parts.push(h("section", { class: "questions", "aria-labelledby": "questions-title" },
        h("h3", { id: "questions-title", text: t("questions") }),
        h("p", { class: "hint", text: t("questions_hint") }),
        h("ul", null, r.questions.map((q) => h("li", null,
          h("span", { class: "q-label", text: q.label }),
          h("small", { text: `${t("gain")} ${q.expected_information_gain.toFixed(2)} ${t("bits")}` }),
          h("span", { class: "q-buttons" }, [["yes", "present", "1"], ["no", "absent", "0"]].map(([word, how, flag]) =>
            h("button", { type: "submit", form: "dx", name: "answer", value: `${q.id}|${how}`, class: "answer",
              "data-id": q.id, "data-label": q.label, "data-present": flag, "aria-label": `${t(word)}: ${q.label}` }, t(word)))))))));
    }
    if (r.findings.length) {
      parts.push(h("details", { class: "used" }, h("summary", { text: `${t("used")} (${r.findings.length})` }),
        h("ul", null, r.findings.map((f) => h("li", null,
          `${f.label} — ${t(f.present ? "present" : "absent")}${f.severity ? ", " + t("sev_" + f.severity) : ""}`,
          f.source === "vitals" ? h("small", { text: ` (${t("from_vitals")})` }) : null)),
        r.implied.map((i) => h("li", null, i.label + " ", h("small", { text: `(${t("implied")}: ${i.implied_by_label})` }))))));
    }
    const notes = r.warnings.concat(r.notes);
    if (notes.length) {
      parts.push(h("div", { class: "warnings" }, h("h3", { text: t("warnings") }), h("ul", null, notes.map((w) => h("li", { text: w })))));
    }
    parts.push(h("p", { class: "credit result-credit", text: `${r.credit} · ${t("model")}: ${r.model_version}` }));
    resultsBody.replaceChildren(...parts);
    for (const el of document.querySelectorAll(".model-version")) el.textContent = r.model_version;
    status.textContent = `${t("results")}: ${r.ranking.length}`;
  }
  let sequence = 0;
  async function diagnose(focusResults = false) {
    if (input.value.trim()) await addTyped();
    const mine = ++sequence;
    const button = $("#diagnose");
    button.disabled = true;
    button.textContent = t("working");
    const data = await call("/api/v1/diagnose", payload());
    button.disabled = false;
    button.textContent = t("diagnose");
    if (!data || mine !== sequence) return;
    render(data);
    if (focusResults) results.focus();
    if (window.matchMedia("(max-width: 52rem)").matches) results.scrollIntoView({ block: "start" });
  }

  form.addEventListener("submit", (event) => {
    const button = event.submitter;
    if (button && button.name === "set_lang") return; // a real round trip re-renders everything in that language
    event.preventDefault();
    if (button && button.name === "remove") {
      button.closest("li").remove();
      syncEmpty();
      input.focus();
    } else if (button && button.name === "answer") {
      addRow(button.dataset.id, button.dataset.label, button.dataset.present === "1");
      diagnose(true);
    } else if (button && button.value === "extract") {
      extract();
    } else if (button && button.value === "confirm") {
      confirmSuggestions();
    } else {
      diagnose();
    }
  });
})();
