// The operator's live view: polls api/pools (served from the operator's memory) and redraws in
// place, so bars slide and drain deadlines count down. Plain DOM, no library; every text goes in
// through textContent, never as HTML.
'use strict';

(function () {
  const POLL_MS = 1000;
  const STALE_AFTER_MS = 5000;
  const EVENTS_SHOWN = 30;
  const MOVES_SHOWN = 8;

  const pools = new Map();         // "ns/name" -> {section, rows: Map(id -> row)}
  const lastSessions = new Map();  // "ns/name/backend" -> sessions at the previous poll
  const seenEvents = new Set();    // event keys already shown, to flash only new ones
  let clockOffsetMs = 0;           // operator time minus browser time
  let lastOk = 0;
  let firstPoll = true;

  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    Object.entries(props || {}).forEach(([k, v]) => {
      if (k === 'class') node.className = v;
      else if (k === 'text') node.textContent = v;
      else node.setAttribute(k, v);
    });
    children.forEach(c => node.appendChild(c));
    return node;
  }

  function clock(iso) {
    const d = new Date(iso);
    return [d.getHours(), d.getMinutes(), d.getSeconds()].map(n => String(n).padStart(2, '0')).join(':');
  }

  function operatorNow() {
    return Date.now() + clockOffsetMs;
  }

  function setStatus(kind, text) {
    const s = document.getElementById('status');
    s.className = 'status ' + kind;
    s.textContent = text;
  }

  async function poll() {
    try {
      const response = await fetch('api/pools', {cache: 'no-store'});
      if (!response.ok) throw new Error('HTTP ' + response.status);
      const view = await response.json();
      clockOffsetMs = Date.parse(view.now) - Date.now();
      lastOk = Date.now();
      render(view);
      setStatus('live', 'live');
    } catch (e) {
      setStatus('stale', 'operator unreachable, retrying');
    } finally {
      setTimeout(poll, POLL_MS);
    }
  }

  function render(view) {
    document.getElementById('replica').textContent = view.replica === 'standby'
      ? 'standby replica: it reconciles nothing; open the leader\'s page'
      : 'replica: ' + view.replica;
    document.getElementById('updated').textContent = 'updated ' + clock(view.now);
    renderPools(view.pools, view.replica);
    // Events name their pool; the namespace too once pools of several namespaces show.
    const namespaces = new Set(view.pools.map(p => p.namespace).concat(view.events.map(e => e.namespace)));
    const where = e => namespaces.size > 1 ? e.namespace + '/' + e.pool : e.pool;
    renderFeed('moves', 'no-moves', view.events.filter(e => e.move).slice(0, MOVES_SHOWN), where);
    renderFeed('events', 'no-events', view.events.slice(0, EVENTS_SHOWN), where);
    firstPoll = false;
    tick();
  }

  function renderPools(list, replica) {
    const container = document.getElementById('pools');
    const empty = document.getElementById('empty');
    empty.hidden = list.length > 0;
    empty.textContent = replica === 'standby' ? 'This replica is a standby: the leader shows the pools.'
      : 'No StickyPool reconciled by this operator yet.';
    const keep = new Set();
    list.forEach(p => {
      const key = p.namespace + '/' + p.name;
      keep.add(key);
      let entry = pools.get(key);
      if (!entry) {
        entry = newPool(key);
        pools.set(key, entry);
        container.appendChild(entry.section);
      }
      updatePool(entry, p, key);
    });
    pools.forEach((entry, key) => {
      if (!keep.has(key)) {
        entry.section.remove();
        pools.delete(key);
      }
    });
  }

  function newPool(key) {
    const section = el('section', {class: 'pool', 'data-pool': key});
    const [ns, name] = key.split('/');
    section.appendChild(el('h3', {}, el('span', {class: 'ns', text: ns + ' / '}), el('span', {text: name})));
    section.appendChild(el('div', {class: 'chips'}));
    section.appendChild(el('p', {class: 'reason', hidden: ''}));
    const table = el('table', {class: 'backends'}, el('tbody'));
    section.appendChild(table);
    return {section, rows: new Map()};
  }

  function chip(text, extra) {
    return el('span', {class: 'chip' + (extra ? ' ' + extra : ''), text});
  }

  function updatePool(entry, p, key) {
    const chips = entry.section.querySelector('.chips');
    chips.replaceChildren(
      chip('Ready ' + p.ready, 'ready-' + p.ready),
      chip((p.affinity || '?') + ' affinity'),
      chip('service ' + (p.service || '?')),
      chip(p.mode === 'Sidecar' ? 'sidecar proxies' : p.proxiesDesired == null ? 'proxies not reported yet'
        : 'proxies ' + num(p.proxiesReady) + '/' + p.proxiesDesired + ' ready'),
      chip('routes v' + num(p.snapshotVersion)),
      chip(p.sessions == null ? 'sessions unknown' : p.sessions + ' sessions'
        + (p.sessionsReportedBy ? ' (' + p.sessionsReportedBy + ' proxies)' : '')));
    const reason = entry.section.querySelector('.reason');
    reason.hidden = p.ready === 'True';
    reason.textContent = p.ready === 'True' ? '' : (p.readyReason || '') + (p.readyMessage ? ': ' + p.readyMessage : '');
    const max = Math.max(1, ...p.backends.map(b => b.sessions || 0));
    const body = entry.section.querySelector('tbody');
    const keep = new Set();
    p.backends.forEach((b, i) => {
      keep.add(b.id);
      let row = entry.rows.get(b.id);
      if (!row) {
        row = newRow(b.id);
        entry.rows.set(b.id, row);
      }
      // In status order; moved only when out of place, as a re-inserted row restarts its fades.
      if (body.children[i] !== row) body.insertBefore(row, body.children[i] || null);
      updateRow(row, b, max, p.drainTimeoutSeconds, key + '/' + b.id);
    });
    entry.rows.forEach((row, id) => {
      if (!keep.has(id)) {
        row.remove();
        entry.rows.delete(id);
      }
    });
  }

  function num(v) {
    return v == null ? '?' : String(v);
  }

  function newRow(id) {
    return el('tr', {class: 'backend', 'data-backend': id},
      el('td', {class: 'id'}, el('span', {text: id}), el('span', {class: 'addr'})),
      el('td', {class: 'state'}, el('span', {class: 'pill'})),
      el('td', {class: 'bar'}, el('div', {class: 'track'}, el('div', {class: 'fill'}))),
      el('td', {class: 'count sessions'}),
      el('td', {class: 'delta'}),
      el('td', {class: 'drain'}));
  }

  function updateRow(row, b, max, drainTimeoutSeconds, key) {
    row.className = 'backend ' + b.state;
    row.setAttribute('data-state', b.state);
    row.querySelector('.addr').textContent = b.address || '';
    const pill = row.querySelector('.pill');
    pill.className = 'pill ' + b.state;
    pill.textContent = b.state;
    row.querySelector('.fill').style.width = ((b.sessions || 0) * 100 / max) + '%';
    row.querySelector('.sessions').textContent = b.sessions == null ? '?' : String(b.sessions);
    const before = lastSessions.get(key);
    if (b.sessions != null && before != null && b.sessions !== before) {
      const d = b.sessions - before;
      row.querySelector('.delta').replaceChildren(
        el('span', {class: d > 0 ? 'up' : 'down', text: (d > 0 ? '+' : '\u2212') + Math.abs(d)}));
    }
    if (b.sessions != null) lastSessions.set(key, b.sessions);
    const drain = row.querySelector('.drain');
    if (b.state === 'Draining' && b.drainDeadline) {
      if (drain.getAttribute('data-deadline') !== b.drainDeadline) {
        drain.setAttribute('data-deadline', b.drainDeadline);
        drain.setAttribute('data-timeout', drainTimeoutSeconds == null ? '' : String(drainTimeoutSeconds));
        drain.replaceChildren(el('span', {class: 'countdown'}), el('div', {class: 'deadline'}, el('div')));
      }
    } else {
      drain.removeAttribute('data-deadline');
      drain.textContent = b.waitingFor && b.waitingFor.length ? 'held for ' + b.waitingFor.join(', ')
        : b.state === 'Drained' ? 'drained' : '';
    }
  }

  /** Counts every drain deadline down in the operator's time, between polls too. */
  function tick() {
    document.querySelectorAll('.drain[data-deadline]').forEach(drain => {
      const left = (Date.parse(drain.getAttribute('data-deadline')) - operatorNow()) / 1000;
      const text = drain.querySelector('.countdown');
      text.classList.toggle('passed', left <= 0);
      text.textContent = left > 0 ? 'deadline in ' + left.toFixed(1) + ' s' : 'deadline passed';
      const timeout = parseFloat(drain.getAttribute('data-timeout'));
      drain.querySelector('.deadline div').style.width = timeout > 0
        ? Math.max(0, Math.min(100, left * 100 / timeout)) + '%' : '0%';
    });
    if (lastOk && Date.now() - lastOk > STALE_AFTER_MS) {
      setStatus('stale', 'no answer for ' + Math.round((Date.now() - lastOk) / 1000) + ' s, retrying');
    }
  }

  function renderFeed(listId, emptyId, events, where) {
    const list = document.getElementById(listId);
    if (seenEvents.size > 2000) seenEvents.clear(); // a page left open for days stays small
    document.getElementById(emptyId).hidden = events.length > 0;
    list.replaceChildren(...events.map(e => {
      const key = listId + '|' + e.namespace + '/' + e.pool + '|' + e.reason + '|' + e.message + '|' + e.count;
      const fresh = !firstPoll && !seenEvents.has(key);
      seenEvents.add(key);
      const item = el('li', {class: e.type + (e.move ? ' move' : '') + (fresh ? ' fresh' : ''), 'data-reason': e.reason},
        el('span', {class: 'when', text: clock(e.lastTime)}),
        el('span', {class: 'what', text: e.reason}),
        el('span', {class: 'where', text: where(e), title: e.namespace + '/' + e.pool}),
        el('span', {class: 'msg', text: e.message}));
      if (e.count > 1) item.insertBefore(el('span', {class: 'count', text: '\u00d7' + e.count}), item.lastChild);
      return item;
    }));
  }

  setInterval(tick, 200);
  poll();
})();
