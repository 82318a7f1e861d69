// ferry.js: the behaviour of the model page (/models/{name}, rendered by model_page.cc).
// "Predict now" posts the form's fields to the sync API, POST /v1/models/{name}/predict, and
// shows the answer inline. "Submit as request" posts them to the async API,
// POST /v1/models/{name}/requests -> {"status": "OK", "id": ...}, shows "Processing...", and
// polls GET /v1/requests/{id} every second until it answers {"status": "OK", "prediction": ...}.
// An error that names a field is shown under that field (and the field marked invalid); any
// other error above the buttons. Every value from a response is inserted as text, never HTML.
(function () {
  'use strict';
  const form = document.getElementById('predict-form');
  if (!form) return;
  const model = form.dataset.model;
  const predictionName = form.dataset.prediction;
  const base = '/v1/models/' + encodeURIComponent(model);
  const resultBody = document.getElementById('result-body');
  const formError = document.getElementById('form-error');
  const requestButton = document.getElementById('submit-request');
  const POLL_MS = 1000;
  const MAX_POLLS = 600;
  let pollTimer = null;
  let generation = 0;  // a newer submission makes older answers stale

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) node.setAttribute(key, value);
    for (const child of children) {
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function show(...nodes) { resultBody.replaceChildren(...nodes); }

  // The filled fields as a form body; empty fields are left out so defaults apply.
  function fields() {
    const body = new URLSearchParams();
    for (const control of form.elements) {
      if (!control.name) continue;
      const value = control.value.trim();
      if (value !== '') body.append(control.name, value);
    }
    return body;
  }

  function fieldBox(name) {
    for (const box of form.querySelectorAll('.field')) {
      if (box.dataset.field === name) return box;
    }
    return null;
  }

  function clearErrors() {
    formError.hidden = true;
    formError.textContent = '';
    for (const box of form.querySelectorAll('.field')) {
      box.classList.remove('invalid');
      const slot = box.querySelector('.error');
      slot.hidden = true;
      slot.textContent = '';
      box.querySelector('input, select').removeAttribute('aria-invalid');
    }
  }

  // Field errors from an error body: a "fields" object {name: message}, an "errors" list of
  // {field, message}, or the message text "Name: what is wrong; Other: ..." that the sync
  // API gives for a record that breaks the bundle's input rules.
  function fieldErrors(body) {
    const found = [];
    if (body && body.fields && typeof body.fields === 'object') {
      for (const [name, message] of Object.entries(body.fields)) found.push([name, String(message)]);
    }
    if (body && Array.isArray(body.errors)) {
      for (const e of body.errors) {
        if (e && e.field) found.push([String(e.field), String(e.message || e.error || '')]);
      }
    }
    const rest = [];
    const text = body && typeof body.error === 'string' ? body.error : '';
    for (let part of text ? text.split('; ') : []) {
      part = part.replace(/^record \d+: /, '');
      const match = /^([^:]+): (.+)$/.exec(part);
      if (match && fieldBox(match[1])) {
        if (!found.some(([name]) => name === match[1])) found.push([match[1], match[2]]);
      } else if (!found.length) {
        rest.push(part);
      }
    }
    return { found: found.filter(([name]) => fieldBox(name)), rest: rest.join('; ') };
  }

  function showError(status, body) {
    const { found, rest } = fieldErrors(body);
    let first = null;
    for (const [name, message] of found) {
      const box = fieldBox(name);
      const control = box.querySelector('input, select');
      const slot = box.querySelector('.error');
      box.classList.add('invalid');
      slot.textContent = message;
      slot.hidden = false;
      control.setAttribute('aria-invalid', 'true');
      first = first || control;
    }
    if (rest || !found.length) {
      const text = rest || (body && body.error) || ('the server answered HTTP ' + status);
      formError.textContent = 'Error: ' + text;
      formError.hidden = false;
    }
    show(el('p', { class: 'note' }, found.length ? 'Fix the marked fields and try again.'
                                                 : 'No answer: see the error above.'));
    if (first) first.focus();
  }

  function percent(p) { return (100 * p).toFixed(1) + '%'; }

  // The bundle's outputs: the decoded prediction first, then the probabilities, then the rest.
  function renderPrediction(prediction, how) {
    const nodes = [];
    const value = prediction[predictionName];
    nodes.push(el('p', { class: 'answer' }, el('span', { class: 'answer-name' }, predictionName),
                  ' ', el('strong', { id: 'answer-value' }, value === undefined ? '-' : value)));
    const probs = prediction.probabilities;
    if (probs && typeof probs === 'object') {
      const rows = Object.entries(probs).map(([label, p]) => {
        const bar = el('span', { class: 'bar' });
        bar.style.width = percent(Number(p));
        const row = el('tr', {}, el('th', { scope: 'row' }, label),
                       el('td', { class: 'num' }, percent(Number(p))),
                       el('td', { class: 'bar-cell', 'aria-hidden': 'true' }, bar));
        if (String(label) === String(value)) row.className = 'chosen';
        return row;
      });
      nodes.push(el('table', { class: 'probs' }, el('caption', {}, 'Probabilities'),
                    el('tbody', {}, ...rows)));
    }
    const details = el('dl', { class: 'details' });
    for (const [key, v] of Object.entries(prediction)) {
      if (key === predictionName || key === 'probabilities') continue;
      details.append(el('dt', {}, key), el('dd', {}, typeof v === 'object' ? JSON.stringify(v) : v));
    }
    nodes.push(details, el('p', { class: 'note' }, how));
    show(...nodes);
  }

  async function call(url, options) {
    const response = await fetch(url, Object.assign({ headers: { Accept: 'application/json' } },
                                                    options));
    let body = null;
    try { body = await response.json(); } catch (e) { body = null; }
    return { status: response.status, body };
  }

  function start() {
    generation += 1;
    if (pollTimer) clearTimeout(pollTimer);
    pollTimer = null;
    requestButton.disabled = false;
    clearErrors();
    return generation;
  }

  async function predictNow() {
    const mine = start();
    show(el('p', { class: 'note' }, 'Predicting...'));
    try {
      const { status, body } = await call(base + '/predict', { method: 'POST', body: fields() });
      if (mine !== generation) return;
      if (status !== 200 || !body || !Array.isArray(body.predictions)) return showError(status, body);
      const answer = body.predictions[0] || {};
      if (answer.error) return showError(422, { error: answer.error });
      renderPrediction(answer, 'Predicted now by ' + body.model + ' version ' + body.version + '.');
    } catch (e) {
      if (mine === generation) showError(0, { error: 'the server could not be reached (' + e.message + ')' });
    }
  }

  async function poll(id, mine, count) {
    try {
      const { status, body } = await call('/v1/requests/' + encodeURIComponent(id), {});
      if (mine !== generation) return;
      if (status === 200 && body && body.status === 'OK' && body.prediction) {
        requestButton.disabled = false;
        const p = body.prediction;
        return renderPrediction(p, 'Request ' + id + ', scored by ' + (p.model || model) +
                                   ' version ' + (p.version || '?') + '.');
      }
      if (status !== 200 || !body || body.status !== 'WAIT') {
        requestButton.disabled = false;
        return showError(status, body || { error: 'unexpected answer while polling request ' + id });
      }
    } catch (e) {
      if (mine !== generation) return;  // a network blip: keep polling
    }
    if (count >= MAX_POLLS) {
      requestButton.disabled = false;
      return showError(0, { error: 'request ' + id + ' is still waiting; look it up later at /v1/requests/' + id });
    }
    pollTimer = setTimeout(() => poll(id, mine, count + 1), POLL_MS);
  }

  async function submitRequest() {
    const mine = start();
    requestButton.disabled = true;
    show(el('p', { class: 'processing' }, 'Sending...'));
    try {
      const { status, body } = await call(base + '/requests', { method: 'POST', body: fields() });
      if (mine !== generation) return;
      if (status !== 200 || !body || body.status !== 'OK' || !body.id) {
        requestButton.disabled = false;
        return showError(status, body);
      }
      show(el('p', { class: 'processing', id: 'processing' }, 'Processing...'),
           el('p', { class: 'note' }, 'Request ' + body.id + ' is queued; checking every second.'));
      pollTimer = setTimeout(() => poll(body.id, mine, 1), POLL_MS);
    } catch (e) {
      if (mine !== generation) return;
      requestButton.disabled = false;
      showError(0, { error: 'the server could not be reached (' + e.message + ')' });
    }
  }

  form.addEventListener('submit', (event) => { event.preventDefault(); predictNow(); });
  requestButton.addEventListener('click', submitRequest);
})();
