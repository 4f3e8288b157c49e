// dxgraph: progressive enhancement of the differential form (autocomplete, note extraction, live results).
// Without this file the form still works through plain POSTs.
"use strict";
(() => {
  const form = document.getElementById("dx");
  if (!form || !window.fetch) return;
  const $ = (selector, root = document) => root.querySelector(selector);
  const T = JSON.parse($("#i18n").textContent);
  const FIELDS = JSON.parse($("#field-inputs").textContent);
  const LABELS = JSON.parse($("#field-labels").textContent);
  const t = (key) => T[key] || key;
  const lang = form.elements.lang.value;
  const rows = $("#rows"), noRows = $("#no-rows"), input = $("#add"), list = $("#add-list");
  const results = $("#results"), resultsBody = $("#results-body"), errors = $("#errors"), status = $("#status");
  const stale = $("#stale"), notFound = $("#not-found");
  const NEGATED = /^(?:-\s*|(?:no|not|sin|niega|denies)\s+)/i;
  const VITALS = ["heart_rate", "respiratory_rate", "systolic_bp", "diastolic_bp", "spo2"];
  // the "Symptoms for" select as days (inference/course.py BIN_DAYS)
  const DURATION_DAYS = { hours: 0.25, days: 3, weeks: 21, months: 120 };
  const NUMBER_CODES = new Set(["number", "float_type", "float_parsing", "int_type", "int_parsing"]);

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
  const percent = (text) => (lang === "es" ? text.replace(".", ",") + " %" : text + "%");
  const pct = (p) => percent(p < 0.001 ? "<0.1" : (p * 100).toFixed(1));
  const pct0 = (p) => (p === null || p === undefined ? "–" : percent(String(Math.round(p * 100))));
  const format = (template, values) => template.replace(/\{(\w+)\}/g, (all, name) => (name in values ? values[name] : all));
  const capital = (text) => text.charAt(0).toUpperCase() + text.slice(1);
  const meter = (value, label) => h("meter", { min: 0, max: 1, value, "aria-label": label });
  const langAttr = (labelLang) => (labelLang && labelLang !== lang ? labelLang : null);

  // ---- errors, worded in the page's language -------------------------------------------------
  function shown(value) {
    return lang === "es" && typeof value === "number" ? String(value).replace(".", ",") : String(value);
  }
  function errorText(field, code, params) {
    const labelKey = LABELS[field || ""];
    if (!labelKey) return t("err_request");
    let key = NUMBER_CODES.has(code) ? "err_number" : "err_" + code;
    if (!(key in T)) key = "err_invalid";
    const values = { label: t(labelKey) };
    for (const [name, value] of Object.entries(params || {})) values[name] = shown(value);
    const text = format(t(key), values);
    return /\{\w+\}/.test(text) ? format(t("err_invalid"), values) : text;
  }
  function showError(field, message) {
    errors.replaceChildren(h("p", { class: "error" }, h("strong", { text: t("check") + ": " }), message));
    const target = field && FIELDS[field] && document.getElementById(FIELDS[field]);
    if (target) target.setAttribute("aria-invalid", "true");
  }
  function clearErrors() {
    errors.replaceChildren();
    for (const el of form.querySelectorAll("[aria-invalid]")) el.removeAttribute("aria-invalid");
  }
  async function call(url, body) {
    try {
      const response = await fetch(url, {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify(body),
      });
      const data = await response.json().catch(() => ({}));
      if (response.ok) return data;
      if (response.status === 429 || response.status === 503) showError(null, t("err_busy"));
      else showError(data.field, errorText(data.field, data.code, data.params));
    } catch (error) {
      showError(null, t("network_error"));
    }
    return null;
  }

  // ---- chosen findings ----------------------------------------------------------------------
  const syncEmpty = () => { noRows.hidden = rows.children.length > 0; };
  function makeRow(id, label) {
    const row = $("#tpl-row").content.firstElementChild.cloneNode(true);
    row.dataset.id = id;
    row.querySelector("input[name=f_id]").value = id;
    row.querySelector(".label").textContent = label;
    row.querySelector(".term-id").textContent = id;
    row.querySelector(".state").setAttribute("aria-label", `${t("status")}: ${label}`);
    row.querySelector(".severity").setAttribute("aria-label", `${t("severity")}: ${label}`);
    const remove = row.querySelector(".remove");
    remove.value = id;
    remove.setAttribute("aria-label", `${t("remove")}: ${label}`);
    return row;
  }
  function addRow(id, label, present = true, severity = "", where = null) {
    let row = [...rows.children].find((li) => li.dataset.id === id);
    if (!row) {
      row = makeRow(id, label);
      if (where) where.replaceWith(row);
      else rows.append(row);
    } else if (where) {
      where.remove();
    }
    row.querySelector(".state").value = present ? "present" : "absent";
    if (severity) row.querySelector(".severity").value = severity;
    syncEmpty();
    return row;
  }

  // ---- autocomplete (ARIA combobox) ---------------------------------------------------------
  let options = [], optionsFor = null, active = -1, timer = 0, pending = null;
  const query = (text) => text.replace(NEGATED, "").trim();
  function closeList() {
    list.hidden = true;
    list.replaceChildren();
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    options = [];
    optionsFor = null;
    active = -1;
  }
  async function lookup(text, limit, signal) {
    const url = `/api/v1/phenotypes?q=${encodeURIComponent(text)}&lang=${lang}&limit=${limit}`;
    const response = await fetch(url, { signal });
    return response.ok ? (await response.json()).results : [];
  }
  async function suggest() {
    const text = query(input.value);
    if (text.length < 2) { closeList(); return; }
    pending?.abort();
    pending = new AbortController();
    let found;
    try {
      found = await lookup(text, 8, pending.signal);
    } catch (error) {
      return; // aborted by a newer keystroke
    }
    if (query(input.value) !== text) return; // the box changed meanwhile
    if (!found.length) { closeList(); return; }
    options = found;
    optionsFor = text;
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
  function takeInput() {
    // the typed text leaves the box at once, so keys typed next start a new finding
    clearTimeout(timer);
    pending?.abort();
    const text = input.value.trim();
    input.value = "";
    closeList();
    return text;
  }
  function choose(index) {
    const option = options[index];
    if (!option) return;
    const present = !NEGATED.test(input.value);
    takeInput();
    addRow(option.id, option.label, present);
    input.focus();
    findingsChanged();
  }

  // findings typed but not picked from the list: looked up in order, none lost to the next keystroke
  const adding = new Set();
  function addTyped(text) {
    const words = query(text);
    if (!words) return;
    const present = !NEGATED.test(text);
    if (!adding.size) notFound.hidden = true;
    const placeholder = h("li", { class: "row pending", "aria-busy": "true" }, h("span", { class: "row-label", text: words + " …" }));
    rows.append(placeholder);
    syncEmpty();
    const job = (async () => {
      let found = [];
      try { found = await lookup(words, 1); } catch (error) { found = []; }
      if (found.length) {
        addRow(found[0].id, found[0].label, present, "", placeholder);
      } else {
        placeholder.remove();
        syncEmpty();
        const missing = notFound.querySelector(".words");
        missing.textContent = missing.textContent && !notFound.hidden ? `${missing.textContent}, ${text}` : text;
        notFound.hidden = false;
      }
    })();
    adding.add(job);
    job.finally(() => adding.delete(job));
    return job;
  }
  input.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(suggest, 120); });
  input.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown" && !list.hidden && options.length) { event.preventDefault(); highlight(active + 1); }
    else if (event.key === "ArrowUp" && !list.hidden && options.length) { event.preventDefault(); highlight(active - 1); }
    else if (event.key === "Escape" && !list.hidden) { event.preventDefault(); closeList(); }
    else if (event.key === "Enter" && input.value.trim()) {
      event.preventDefault();
      if (!list.hidden && options.length && optionsFor === query(input.value)) choose(Math.max(active, 0));
      else {
        const job = addTyped(takeInput());
        job?.then(findingsChanged);
      }
    }
  });
  input.addEventListener("blur", () => setTimeout(closeList, 150));
  list.addEventListener("mousedown", (event) => event.preventDefault()); // keep focus in the input
  list.addEventListener("click", (event) => {
    const li = event.target.closest("[role=option]");
    if (li) choose(Number(li.dataset.index));
  });

  // ---- the clinical note: what the note read (the /extract answer), flags for the doctor to resolve ----
  const suggestions = $("#suggestions");
  async function extract() {
    clearErrors();
    const entered = [...rows.querySelectorAll("li[data-id]")];
    const isAbsent = (li) => li.querySelector(".state").value === "absent";
    const present = entered.filter((li) => !isAbsent(li)).map((li) => li.dataset.id);
    const absent = entered.filter(isAbsent).map((li) => li.dataset.id);
    const data = await call("/api/v1/extract", { text: $("#note").value, lang, present, absent });
    if (!data) return;
    suggestions.replaceChildren(...noteRead(data, fillFromNote(data)));
    suggestions.querySelector("input")?.focus();
  }
  const stateWord = (present) => t(present ? "present" : "absent").toLowerCase();
  const foundValue = (f, present) => `${f.id}|${present ? "present" : "absent"}|${present ? f.severity || "" : ""}`;
  const foundData = (f, present) => ({ "data-id": f.id, "data-label": f.label, "data-present": present ? "1" : "0",
    "data-severity": present ? f.severity || "" : "" });
  const radio = (f, value, text, attrs = {}) => h("label", null,
    h("input", { type: "radio", name: `resolve:${f.id}`, value, ...attrs }), " " + text);
  function found(f) {
    const flags = [];
    if (f.known === "listed") flags.push(t("note_listed"));
    if (f.repeated) flags.push(format(t("note_repeated"), { n: f.mentions.length }));
    if (f.known !== "contradicts" && !f.conflict) {
      return h("li", { class: "found", "data-id": f.id },
        h("label", null,
          h("input", { type: "checkbox", name: "confirm", checked: f.known !== "listed", value: foundValue(f, f.present), ...foundData(f, f.present) }),
          " ", h("span", { class: "found-label", text: f.label }), " ",
          h("span", { class: `badge ${f.present ? "present" : "absent"}`,
            text: t(f.present ? "present" : "absent") + (f.severity ? ", " + t("sev_" + f.severity) : "") }),
          " ", h("q", { text: f.quote })),
        flags.length ? [" ", h("span", { class: "flags" }, flags.map((text) => h("span", { class: "flag", text })))] : null);
    }
    const contradicts = f.known === "contradicts";
    return h("li", { class: "found resolve", "data-id": f.id }, h("fieldset", null,
      h("legend", null, h("span", { class: "found-label", text: f.label }), " ", h("q", { text: f.quote })),
      contradicts ? h("p", { class: "flag contradicts",
        text: format(t("note_contradicts"), { entered: stateWord(!f.present), said: stateWord(f.present) }) }) : null,
      f.conflict && f.implied_by.length
        ? h("p", { class: "flag conflict", text: format(t("note_implied"), { names: f.implied_by.join(", ") }) })
        : f.conflict ? h("p", { class: "flag conflict" }, t("note_conflict") + " ", f.mentions.slice(0, 4).flatMap((m, i) =>
          [i ? ", " : "", stateWord(m.status === "present") + " ", h("q", { text: m.quote })])) : null,
      flags.length ? h("p", { class: "flag", text: flags.join("; ") }) : null,
      h("span", { class: "choices" }, contradicts
        ? [radio(f, "", format(t("note_keep"), { state: stateWord(!f.present) }), { checked: true }),
          radio(f, foundValue(f, f.present), format(t("note_change"), { state: stateWord(f.present) }), foundData(f, f.present))]
        : [radio(f, "", t("note_leave_out"), { checked: true }),
          radio(f, foundValue(f, true), t("present"), foundData(f, true)),
          radio(f, foundValue(f, false), t("absent"), foundData(f, false))])));
  }
  function measureValue(field, value, unit = "C") {
    if (field === "sex") return t(value);
    if (field.startsWith("risk_")) return t("risk_" + value);
    if (field === "complaint_onset") return t("started_" + value);
    if (field === "duration") return t("duration_" + value);
    return (lang === "es" ? value.replace(".", ",") : value) + (field === "temperature" ? ` °${unit}` : "");
  }
  function noteRead(x, measures) {
    const parts = [];
    if (x.findings.length) {
      parts.push(h("fieldset", { class: "suggestions" },
        h("legend", { text: t("suggestions") }),
        h("ul", null, x.findings.map(found)),
        h("button", { type: "submit", name: "action", value: "confirm", class: "confirm" }, t("add_selected"))));
    } else {
      parts.push(h("p", { class: "hint none-found", text: t(x.context.length ? "note_no_current" : "none_found") }));
    }
    const unreadable = x.readings.filter((r) => r.unreadable);
    const said = [
      ...measures.map((m) => h("span", { class: `measure ${m.outcome}`, "data-field": m.field,
        text: `${t(m.field)}: ${measureValue(m.field, m.value)} (${m.outcome === "kept"
          ? format(t("m_kept"), { form: measureValue(m.field, m.form, m.unit) }) : t("m_" + m.outcome)})` })),
      ...unreadable.map((r) => h("span", { class: "measure unreadable" }, h("q", { text: r.text }), ` (${t("m_unreadable")})`)),
    ];
    if (said.length) parts.push(h("p", { class: "note-measures" }, `${t("note_measures")}: `, said.flatMap((el, i) => (i ? ["; ", el] : [el]))));
    if (x.context.length) {
      parts.push(h("div", { class: "note-context" }, h("p", { text: t("note_context") + ":" }),
        h("ul", null, x.context.map((c) => h("li", { "data-id": c.id, "data-status": c.status },
          `${c.label} — ${T["nctx_" + c.status] ? t("nctx_" + c.status) : c.status}${c.negated ? ", " + t("nctx_denied") : ""} `,
          h("q", { text: c.quote }))))));
    }
    return parts;
  }
  function sameValue(field, entered, value) {
    if (field === "sex" || field === "duration" || field === "complaint_onset" || field.startsWith("risk_")) return entered === value;
    let number = Number(entered.replace(",", "."));
    if (field === "temperature" && form.elements.temperature_unit?.value === "F") number = (number - 32) * 5 / 9;
    return Number.isFinite(number) && Math.abs(number - Number(value)) <= 0.05;
  }
  function fillFromNote(data) {
    // vitals, age and sex read from the note fill the fields the doctor left empty ("fiebre de 39"); a value
    // that differs from the form's is kept out of the form and shown (as web/notes.py measure_outcomes)
    const fields = { temperature: "temperature_c", heart_rate: "heart_rate", respiratory_rate: "respiratory_rate",
      systolic_bp: "systolic_bp", diastolic_bp: "diastolic_bp", spo2: "spo2" };
    const read = {};
    for (const [name, vital] of Object.entries(fields)) if (data.vitals[vital] !== undefined) read[name] = String(data.vitals[vital]);
    if (data.age !== null) read.age = String(data.age);
    if (data.sex) read.sex = data.sex;
    if (data.duration_bin) read.duration = data.duration_bin;
    if (data.complaint_onset) read.complaint_onset = data.complaint_onset;
    for (const [factor, present] of Object.entries(data.risk_factors || {})) read["risk_" + factor] = present ? "yes" : "no";
    for (const d of data.family_history || []) addFamily(d.id, d.label);
    const outcomes = [];
    for (const [name, value] of Object.entries(read)) {
      const field = form.elements[name];
      if (!field) continue;
      const entered = field.value.trim();
      const unit = name === "temperature" ? form.elements.temperature_unit?.value || "C" : null;
      const outcome = !entered ? "filled" : sameValue(name, entered, value) ? "same" : "kept";
      if (outcome === "filled") {
        field.value = value;
        if (name.startsWith("risk_")) $("#risk-details").open = true;
        if (name === "temperature" && form.elements.temperature_unit) form.elements.temperature_unit.value = "C";
      }
      outcomes.push({ field: name, value, form: entered, outcome, unit });
    }
    return outcomes;
  }
  function addFamily(id, label) {
    // a disease a relative has, read from the note: sent as family_history until removed
    const list = $("#family-list");
    if (list.querySelector(`li[data-id="${CSS.escape(id)}"]`)) return;
    list.append(h("li", { "data-id": id }, h("input", { type: "hidden", name: "family", value: id }), label + " ",
      h("button", { type: "submit", name: "remove_family", value: id, class: "remove-family", "aria-label": `${t("remove_family")}: ${label}`, text: "×" })));
    $("#family").hidden = false;
    $("#risk-details").open = true;
  }
  function confirmSuggestions() {
    // ticked findings, and the choice made for each flagged one (an empty value leaves it as it is)
    for (const box of suggestions.querySelectorAll("input[name=confirm]:checked, input[type=radio]:checked")) {
      if (box.value) addRow(box.dataset.id, box.dataset.label, box.dataset.present === "1", box.dataset.severity);
    }
    suggestions.replaceChildren();
    input.focus();
    findingsChanged();
  }

  // ---- the request --------------------------------------------------------------------------
  function number(name) {
    const raw = form.elements[name].value.trim().replace(",", ".");
    if (raw === "") return undefined;
    const value = Number(raw);
    if (!Number.isFinite(value)) throw { field: name, code: "number", params: { value: form.elements[name].value.trim() } };
    return value;
  }
  function payload() {
    const observed = [], excluded = [];
    for (const row of rows.querySelectorAll("li[data-id]")) {
      const id = row.dataset.id, severity = row.querySelector(".severity").value;
      if (row.querySelector(".state").value === "absent") excluded.push(id);
      else observed.push(severity ? { id, severity } : { id });
    }
    const body = { observed, excluded, context: form.elements.context.value, lang, top: 10, explain: 10, questions: 5 };
    const age = number("age");
    if (age !== undefined) body.age = age;
    const onset = number("onset");
    if (onset !== undefined) {
      if (onset < 0) throw { field: "onset", code: "greater_than_equal", params: { ge: 0 } };
      if (onset > 130) throw { field: "onset", code: "less_than_equal", params: { le: 130 } };
      if (age !== undefined && onset > age) throw { field: "onset", code: "onset_after_age" };
      body.onset = onset;
    }
    if (form.elements.sex.value) body.sex = form.elements.sex.value;
    if (DURATION_DAYS[form.elements.duration.value] !== undefined) body.duration_days = DURATION_DAYS[form.elements.duration.value];
    if (form.elements.complaint_onset.value) body.complaint_onset = form.elements.complaint_onset.value;
    const risks = {};
    for (const select of form.querySelectorAll("select[name^=risk_]")) if (select.value) risks[select.name.slice(5)] = select.value === "yes";
    if (Object.keys(risks).length) body.risk_factors = risks;
    const family = [...form.querySelectorAll("input[name=family]")].map((el) => el.value);
    if (family.length) body.family_history = family;
    const vitals = {};
    const temperature = number("temperature");
    if (temperature !== undefined) {
      vitals[form.elements.temperature_unit.value === "F" ? "temperature_f" : "temperature_c"] = temperature;
    }
    for (const name of VITALS) { const value = number(name); if (value !== undefined) vitals[name] = value; }
    if (Object.keys(vitals).length) body.vitals = vitals;
    return body;
  }

  // ---- the differential ---------------------------------------------------------------------
  function effectRow(c) {
    const how = t("match_" + c.match)
      + (c.matched_term && c.matched_term !== c.id ? `: ${c.matched_label}` : "")
      + (c.matched_term && c.matched_frequency !== null ? ", " + format(t("of_patients"), { pct: pct0(c.matched_frequency) }) : "");
    return h("li", { class: `${c.effect} ${c.strength}`, "data-id": c.id, "data-times": c.times.toPrecision(6) },
      h("span", { class: "effect-words" },
        c.effect !== "none" ? h("span", { "aria-hidden": "true", text: c.effect === "up" ? "▲ " : "▼ " }) : null, c.words),
      h("span", { class: "finding" }, c.label + " ",
        h("small", { text: `(${t(c.present ? "present" : "absent")}${c.severity ? ", " + t("sev_" + c.severity) : ""})` })),
      h("small", { class: "how", text: how }));
  }
  function explanation(d) {
    const e = d.explanation;
    const quiet = e.contributions.filter((c) => c.effect === "none");
    return h("details", { class: "why" },
      h("summary", null, t("why") + " ", h("span", { class: "sr", text: d.label })),
      h("p", { class: "hint scale", text: t("why_caption") }),
      h("ul", { class: "effects" }, e.contributions.filter((c) => c.effect !== "none").map(effectRow)),
      quiet.length ? h("details", { class: "no-effect" },
        h("summary", { text: `${t("no_effect_summary")} (${quiet.length})` }),
        h("ul", { class: "effects" }, quiet.map(effectRow))) : null,
      e.missing_frequent.length ? [h("p", { class: "missing-title", text: t("missing") + ":" }),
        h("ul", { class: "missing" }, e.missing_frequent.map((m) => h("li", null, m.label + " ",
          h("small", { text: `(${format(t("of_patients"), { pct: pct0(m.frequency) })})` }))))] : null,
      h("p", null, h("a", { class: "details-link", href: d.url, target: "_blank", rel: "noopener" }, `${t("details")}: `,
        h("span", { lang: langAttr(d.label_lang), text: d.label }))));
  }
  function dontMiss(r) {
    // time-critical diagnoses kept in view (above the ranking, even when outside it)
    return h("section", { class: "dm-block", "aria-labelledby": "dont-miss-title" },
      h("h3", { id: "dont-miss-title" }, h("span", { class: "badge dont-miss", text: t("dm_badge") }), " " + t("dm_title")),
      h("p", { class: "hint", text: t("dm_hint") }),
      h("ul", { class: "dm-list" }, r.dont_miss.map((d) => h("li", { class: "dm-item", "data-id": d.disease_id },
        h("a", { class: "name", href: d.url, target: "_blank", rel: "noopener", lang: langAttr(d.label_lang), text: d.label }),
        " ", h("span", { class: "dm-standing", text: d.words }),
        h("p", { class: "dm-kept", text: `${t("dm_kept")}: ${d.supporting.length
          ? d.supporting.slice(0, 5).map((f) => f.label).join(", ") : t("dm_kept_none")}` }),
        h("p", { class: "dm-guideline", text: `${t("dm_guideline")}: ${d.guideline_title}` })))));
  }
  function render(r) {
    const parts = [];
    const flagged = new Set(r.dont_miss.map((d) => d.disease_id));
    if (r.dont_miss.length) parts.push(dontMiss(r));
    if (lang !== "en" && r.ranking.some((d) => d.label_lang === "en")) {
      parts.push(h("p", { class: "hint english-names", text: t("english_names") }));
    }
    parts.push(
      h("ol", { class: "ranking" }, r.ranking.map((d) => h("li", { class: "disease" },
        h("div", { class: "disease-head" },
          h("span", { class: "rank", text: d.rank + "." }),
          h("a", { class: "name", href: d.url, target: "_blank", rel: "noopener", lang: langAttr(d.label_lang), text: d.label }),
          h("span", { class: `badge ${d.kind}`, text: t(d.kind) }),
          flagged.has(d.disease_id) ? h("span", { class: "badge dont-miss", text: t("dm_badge") }) : null,
          h("span", { class: "prob", text: pct(d.probability) })),
        meter(d.probability, `${t("probability")} ${pct(d.probability)}`),
        d.also_described_as ? h("p", { class: "twin hint", text: capital(d.also_described_as.words) + "." }) : null,
        d.duration ? h("p", { class: "course hint", text: capital(d.duration.words) + "." }) : null,
        d.complaint_onset ? h("p", { class: "onset hint", text: capital(d.complaint_onset.words) + "." }) : null,
        d.risk_factors ? h("p", { class: "risk hint", text: d.risk_factors.map((x) => capital(x.words)).join(". ") + "." }) : null,
        d.explanation ? explanation(d) : null))),
      h("div", { class: "other" },
        h("div", { class: "disease-head" }, h("span", { class: "name", text: t("other") }), h("span", { class: "prob", text: pct(r.other_probability) })),
        meter(r.other_probability, `${t("other")} ${pct(r.other_probability)}`)));
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
    if ((r.risk_questions || []).length) {
      parts.push(h("section", { class: "risk-questions", "aria-labelledby": "risk-questions-title" },
        h("h3", { id: "risk-questions-title", text: t("risk_questions") }),
        h("ul", null, r.risk_questions.map((q) => h("li", null,
          h("span", { class: "q-label", text: q.label }),
          h("small", { text: `${t("gain")} ${q.expected_information_gain.toFixed(2)} ${t("bits")}` }),
          h("span", { class: "q-buttons" }, ["yes", "no"].map((word) =>
            h("button", { type: "submit", form: "dx", name: "risk_answer", value: `${q.factor}|${word}`, class: "risk-answer",
              "data-factor": q.factor, "data-answer": word, "aria-label": `${t(word)}: ${q.label}` }, t(word)))))))));
    }
    if (r.findings.length) {
      parts.push(h("details", { class: "used" }, h("summary", { text: `${t("used")} (${r.findings.length})` }),
        h("ul", null, r.findings.map((f) => h("li", { "data-id": f.id },
          `${f.label} — ${t(f.present ? "present" : "absent")}${f.severity ? ", " + t("sev_" + f.severity) : ""}`,
          f.source === "vitals" ? h("small", { text: ` (${t("from_vitals")})` }) : null)),
        r.implied.map((i) => h("li", { "data-id": i.id }, i.label + " ", h("small", { text: `(${t("implied")}: ${i.implied_by_label})` }))))));
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

  // results on screen follow the form: findings changes recalculate, typing marks them out of date
  const hasResults = () => resultsBody.querySelector(".ranking") !== null;
  let edits = 0; // form edits so far: a response only clears the stale mark if none came after its request
  function markStale() {
    edits += 1;
    if (!hasResults()) return;
    stale.hidden = false;
    resultsBody.classList.add("is-stale");
  }
  let sequence = 0, recalc = 0;
  function findingsChanged() {
    if (!hasResults()) return;
    markStale();
    clearTimeout(recalc);
    // the automatic recalculation leaves what is being typed in the box: only the doctor's own press takes it
    recalc = setTimeout(() => diagnose({ quiet: true, takeTyped: false }), 0);
  }
  async function diagnose({ focusResults = false, quiet = false, takeTyped = true } = {}) {
    clearTimeout(recalc);
    if (takeTyped && input.value.trim()) addTyped(takeInput());
    const mine = ++sequence;
    const button = $("#diagnose");
    if (!quiet) button.textContent = t("working");
    results.setAttribute("aria-busy", "true");
    await Promise.all([...adding]);
    let body;
    clearErrors();
    const editsAtRequest = edits;
    try {
      body = payload();
    } catch (problem) {
      if (!problem || !problem.field) throw problem;
      showError(problem.field, errorText(problem.field, problem.code, problem.params));
      body = null;
    }
    const data = body && (await call("/api/v1/diagnose", body));
    if (mine !== sequence) return;
    button.textContent = t("diagnose");
    results.removeAttribute("aria-busy");
    if (!data) { markStale(); return; }
    render(data);
    if (edits !== editsAtRequest) return markStale(); // typed meanwhile: these results are already out of date
    stale.hidden = true;
    resultsBody.classList.remove("is-stale");
    if (focusResults) results.focus();
    if (!quiet && window.matchMedia("(max-width: 52rem)").matches) results.scrollIntoView({ block: "start" });
  }

  form.addEventListener("submit", (event) => {
    const button = event.submitter;
    if (button && button.name === "set_lang") return; // a real round trip re-renders everything in that language
    event.preventDefault();
    if (button && button.name === "remove") {
      const row = button.closest("li");
      const next = row.nextElementSibling?.querySelector(".remove") || row.previousElementSibling?.querySelector(".remove");
      row.remove();
      syncEmpty();
      (next || input).focus();
      findingsChanged();
    } else if (button && button.name === "risk_answer") {
      const select = form.elements["risk_" + button.dataset.factor];
      if (select) select.value = button.dataset.answer;
      diagnose({ focusResults: true, quiet: true });
    } else if (button && button.name === "remove_family") {
      button.closest("li").remove();
      $("#family").hidden = !$("#family-list").children.length;
      findingsChanged();
    } else if (button && button.name === "answer") {
      addRow(button.dataset.id, button.dataset.label, button.dataset.present === "1");
      diagnose({ focusResults: true, quiet: true });
    } else if (button && button.value === "extract") {
      extract();
    } else if (button && button.value === "confirm") {
      confirmSuggestions();
    } else {
      diagnose();
    }
  });
  rows.addEventListener("change", findingsChanged); // present/absent, severity
  for (const name of ["sex", "duration", "complaint_onset", "context", "temperature_unit"]) form.elements[name].addEventListener("change", findingsChanged);
  for (const select of form.querySelectorAll("select[name^=risk_]")) select.addEventListener("change", findingsChanged);
  for (const name of ["age", "onset", "temperature", ...VITALS]) {
    form.elements[name].addEventListener("input", markStale);
    form.elements[name].addEventListener("change", findingsChanged);
  }
})();
