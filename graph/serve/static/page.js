// sundhedsgraf: the query page. Editor (YASQE, vendored), a form for a named query's parameters, results with
// sorting, paging and links to node pages, downloads, and a URL that reproduces the page.
// Every text from the data is inserted with textContent or as an attribute value, never as HTML.
'use strict';
(function () {
  const $ = (id) => document.getElementById(id);
  const KNOWN = JSON.parse($('sg-prefixes').textContent);   // prefix -> namespace, as graph.query.QUERY_PREFIXES
  const OWN = 'https://w3id.org/sundhedsgraf/';               // IRIs under here have a node page
  const PAGE_SIZE = 50;
  const NUMERIC = /#(integer|decimal|double|float|int|long|short|byte|nonNegativeInteger|positiveInteger)$/;
  const START_QUERY = 'SELECT ?type (COUNT(?s) AS ?antal) WHERE {\n  ?s a ?type\n}\nGROUP BY ?type\nORDER BY DESC(?antal)\n';
  const RESERVED = new Set(['q', 'query', 'sort', 'side']);   // URL keys that are not a named query's parameters

  const state = {
    queries: {},        // name -> {name, title_da, title_en, description, params, sparql}
    current: null,      // the chosen named query, or null for own SPARQL
    result: null,       // SPARQL JSON of the last run
    sort: null,         // {column, descending}
    page: 0,
    order: null,        // row indexes in sorted order
  };

  // ------------------------------------------------------------------------------------------ the editor
  let editor = null;
  const terms = {classes: [], properties: []};   // filled from /terms.json
  const fallback = $('query-fallback');

  function makeEditor() {
    const Yasqe = window.Yasqe;
    if (!Yasqe) {           // the vendored file did not load: a plain text area still works
      fallback.hidden = false;
      return;
    }
    // the known prefixes count as declared, as on the server: the editor's syntax check does not flag sg:
    Yasqe.defineMode('sparql11-sg', (config, parserConfig) => {
      const inner = Yasqe.getMode(config, Object.assign({}, parserConfig, {name: 'sparql11'}));
      return Object.assign({}, inner, {
        startState() {
          const state = inner.startState();
          Object.assign(state.prefixes, KNOWN);
          return state;
        },
      });
    });
    // completion without network: the known prefixes after PREFIX, the classes and properties the data uses
    // (from /terms.json) and the query's own variables
    const prefixes = Object.keys(KNOWN).sort().map((p) => p + ': <' + KNOWN[p] + '>');
    Yasqe.forkAutocompleter('prefixes', {name: 'sg-praefikser', persistenceId: null, get: () => prefixes}, false);
    const matching = (list) => (yasqe, token) => {
      const start = (token && token.autocompletionString) || '';
      return list.filter((iri) => iri.startsWith(start)).slice(0, 200);
    };
    Yasqe.forkAutocompleter('property', {name: 'sg-egenskaber', autoShow: true, get: matching(terms.properties)}, false);
    Yasqe.forkAutocompleter('class', {name: 'sg-klasser', autoShow: true, get: matching(terms.classes)}, false);
    const completers = ['sg-praefikser', 'variables', 'sg-egenskaber', 'sg-klasser'];
    Yasqe.defaults.autocompleters = completers;
    editor = new Yasqe($('editor'), {
      mode: 'sparql11-sg',
      autocompleters: completers,
      value: START_QUERY,
      persistenceId: null,
      consumeShareLink: null,
      createShareableLink: null,
      showQueryButton: false,
      prefixCcApi: null,
      resizeable: true,
      editorHeight: '300px',
      requestConfig: {endpoint: '/sparql', method: 'POST'},
      extraKeys: {
        'Ctrl-Enter': () => run(),
        'Cmd-Enter': () => run(),
        'Ctrl-S': () => {},
      },
    });
    editor.on('change', markEdited);
  }

  const getText = () => (editor ? editor.getValue() : fallback.value);
  function setText(text) {
    if (editor) editor.setValue(text); else fallback.value = text;
    markEdited();
  }
  fallback.addEventListener('input', () => markEdited());

  function edited() {
    return state.current !== null && getText() !== state.current.sparql;
  }
  function markEdited() {
    $('aendret').hidden = !edited();
  }
  $('gendan').addEventListener('click', () => { if (state.current) setText(state.current.sparql); });

  // ------------------------------------------------------------------------------------------ named queries
  const select = $('named');

  function buildForm(query, values) {
    const form = $('params');
    form.replaceChildren();
    const description = $('beskrivelse');
    description.replaceChildren();
    if (!query) return;
    description.textContent = query.description;
    if (query.title_en) {
      const en = document.createElement('span');
      en.className = 'note';
      en.lang = 'en';
      en.textContent = ' (' + query.title_en + ')';
      description.append(en);
    }
    for (const param of query.params) {
      const row = document.createElement('div');
      row.className = 'param';
      const label = document.createElement('label');
      label.htmlFor = 'p-' + param.name;
      label.textContent = param.name;
      const input = document.createElement('input');
      input.id = 'p-' + param.name;
      input.name = param.name;
      input.dataset.type = param.type;
      const today = param.type === 'date' && /^(i ?dag|today)$/i.test(param.default || '');
      if (param.type === 'date') {
        input.type = 'date';
      } else if (param.type === 'integer') {
        input.type = 'number';
        input.step = '1';
      } else {
        input.type = 'text';
        input.size = 48;
      }
      const given = values && Object.prototype.hasOwnProperty.call(values, param.name) ? values[param.name] : null;
      if (given !== null && !(param.type === 'date' && !/^\d{4}-\d{2}-\d{2}$/.test(given))) {
        input.value = given;
      } else if (param.default && !today) {
        input.value = param.default;
      }
      if (param.default && param.type !== 'date') input.placeholder = param.default;
      const hint = document.createElement('span');
      hint.className = 'note';
      const parts = [param.description, param.type];
      if (param.default) parts.push('standard: ' + param.default);
      else parts.push('skal udfyldes');
      hint.textContent = parts.filter(Boolean).join(' · ');
      row.append(label, input, hint);
      form.append(row);
    }
  }

  function paramValues() {
    // the values that differ from the defaults: an empty field means the default, on the server as in the CLI
    const values = {};
    if (!state.current) return values;
    for (const param of state.current.params) {
      const input = $('p-' + param.name);
      const value = input ? input.value.trim() : '';
      if (value !== '' && value !== (param.default || '')) values[param.name] = value;
    }
    return values;
  }

  function choose(name, values) {
    state.current = state.queries[name] || null;
    select.value = state.current ? name : '';
    buildForm(state.current, values);
    if (state.current) setText(state.current.sparql);
    markEdited();
  }
  select.addEventListener('change', () => choose(select.value, null));
  $('params').addEventListener('submit', (event) => { event.preventDefault(); run(); });

  // ------------------------------------------------------------------------------------------ requests
  function request(format) {
    // where the page asks: a named query as it is (GET, bound by the server), a named query as edited
    // (POST, parameters still bound by the server), or own SPARQL with the known prefixes
    const values = paramValues();
    if (state.current && !edited()) {
      const search = new URLSearchParams(values);
      search.set('format', format);
      return {url: '/named/' + encodeURIComponent(state.current.name) + '?' + search, init: {}, get: true};
    }
    if (state.current) {
      const body = new URLSearchParams(values);
      body.set('sparql', getText());
      body.set('format', format);
      return {url: '/named/' + encodeURIComponent(state.current.name), get: false,
              init: {method: 'POST', headers: {'Content-Type': 'application/x-www-form-urlencoded'}, body: body.toString()}};
    }
    return {url: '/sparql?prefixes=known&format=' + format, get: false,
            init: {method: 'POST', headers: {'Content-Type': 'application/sparql-query'}, body: getText()}};
  }

  let running = null;
  async function run() {
    if (running) running.abort();
    const controller = new AbortController();
    running = controller;
    const {url, init} = request('json');
    showError(null);
    setStatus('Kører …');
    const started = performance.now();
    let response, text;
    try {
      response = await fetch(url, Object.assign({signal: controller.signal}, init));
      text = await response.text();
    } catch (error) {
      if (error.name !== 'AbortError') { setStatus(''); showError('Serveren svarer ikke: ' + error.message); }
      return;
    } finally {
      if (running === controller) running = null;
    }
    const ms = Math.round(performance.now() - started);
    updateUrl();
    if (!response.ok) {
      setStatus('Fejl ' + response.status + ' efter ' + ms + ' ms');
      state.result = null;
      render();
      showError(text.trim());
      return;
    }
    try {
      state.result = JSON.parse(text);
    } catch (error) {
      showError('Svaret kunne ikke læses: ' + error.message);
      return;
    }
    state.order = null;
    state.page = 0;
    applyUrlView();
    render();
    const rows = state.result.results ? state.result.results.bindings.length : null;
    setStatus((rows === null ? 'Svar' : rows + (rows === 1 ? ' række' : ' rækker')) + ' på ' + ms + ' ms');
  }

  function setStatus(text) { $('status').textContent = text; }

  function showError(text) {
    const box = $('fejl');
    box.replaceChildren();
    box.hidden = !text;
    if (editor) editor.getAllMarks().forEach((mark) => mark.clear());
    if (!text) return;
    const pre = document.createElement('pre');
    pre.textContent = text;
    box.append(pre);
    const where = /linje (\d+), kolonne (\d+)/.exec(text);
    if (where && editor && (!state.current || edited())) {
      const line = Number(where[1]) - 1, ch = Number(where[2]) - 1;
      editor.focus();
      editor.setCursor({line, ch});
      editor.markText({line, ch: Math.max(0, ch - 1)}, {line, ch: ch + 1}, {className: 'fejl-sted'});
    }
  }

  // ------------------------------------------------------------------------------------------ downloads
  async function download(format) {
    const name = (state.current ? state.current.name : 'forespoergsel') + '.' + format;
    const {url, init, get} = request(format);
    showError(null);
    if (get) {    // the server sends it as an attachment
      const a = document.createElement('a');
      a.href = url;
      a.download = name;
      document.body.append(a);
      a.click();
      a.remove();
      return;
    }
    const response = await fetch(url, init);
    if (!response.ok) { showError((await response.text()).trim()); return; }
    const blob = await response.blob();
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = name;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 10000);
  }
  for (const button of document.querySelectorAll('.hent button')) {
    button.addEventListener('click', () => download(button.dataset.format));
  }

  // ------------------------------------------------------------------------------------------ the URL
  function currentSearch() {
    const search = new URLSearchParams();
    if (state.current) {
      search.set('q', state.current.name);
      for (const [key, value] of Object.entries(paramValues())) search.set(key, value);
      if (edited()) search.set('query', getText());
    } else {
      search.set('query', getText());
    }
    if (state.sort) search.set('sort', (state.sort.descending ? '-' : '') + state.sort.column);
    if (state.page > 0) search.set('side', String(state.page + 1));
    return search;
  }
  function updateUrl() {
    history.replaceState(null, '', '?' + currentSearch().toString());
  }
  let urlView = null;   // sort and page from the URL, applied to the first result
  function applyUrlView() {
    if (!urlView) { state.sort = state.sort && hasColumn(state.sort.column) ? state.sort : null; return; }
    const {sort, page} = urlView;
    urlView = null;
    if (sort && hasColumn(sort.replace(/^-/, ''))) {
      state.sort = {column: sort.replace(/^-/, ''), descending: sort.startsWith('-')};
    }
    state.page = page;
  }
  const hasColumn = (name) => !!(state.result && state.result.head && (state.result.head.vars || []).includes(name));

  $('del').addEventListener('click', async () => {
    updateUrl();
    const link = $('link');
    link.value = location.href;
    link.hidden = false;
    link.select();
    try {
      await navigator.clipboard.writeText(location.href);
      setStatus('Linket er kopieret');
    } catch (error) {
      setStatus('Kopiér linket fra feltet');
    }
  });

  // ------------------------------------------------------------------------------------------ results
  function shortIri(iri) {
    let best = null;
    for (const [prefix, ns] of Object.entries(KNOWN)) {
      if (iri.startsWith(ns) && (!best || ns.length > best[1].length)) best = [prefix, ns];
    }
    return best ? best[0] + ':' + iri.slice(best[1].length) : iri;
  }

  function cell(term) {
    const td = document.createElement('td');
    if (!term) return td;
    if (term.type === 'uri') {
      const text = shortIri(term.value);
      if (term.value.startsWith(OWN)) {
        const a = document.createElement('a');
        a.href = '/node?' + new URLSearchParams({iri: term.value});
        a.textContent = text;
        a.title = term.value;
        td.append(a);
      } else {
        td.textContent = text;
        td.title = term.value;
      }
      td.className = 'iri-celle';
    } else if (term.type === 'bnode') {
      td.textContent = '_:' + term.value;
    } else {
      td.textContent = term.value;
      if (term['xml:lang']) td.title = '@' + term['xml:lang'];
      else if (term.datatype) td.title = shortIri(term.datatype);
      if (term.datatype && NUMERIC.test(term.datatype)) td.className = 'tal';
      else if (term.datatype && /#(date|dateTime|gYear|gYearMonth)$/.test(term.datatype)) td.className = 'dato';
    }
    return td;
  }

  function compare(a, b) {
    if (!a && !b) return 0;
    if (!a) return 1;          // empty cells last, either way
    if (!b) return -1;
    if (a.datatype && b.datatype && NUMERIC.test(a.datatype) && NUMERIC.test(b.datatype)) {
      return Number(a.value) - Number(b.value);
    }
    const x = a.type === 'uri' ? shortIri(a.value) : a.value, y = b.type === 'uri' ? shortIri(b.value) : b.value;
    return x.localeCompare(y, 'da', {numeric: true, sensitivity: 'base'});
  }

  function sortedOrder() {
    const rows = state.result.results.bindings;
    if (state.order) return state.order;
    const order = rows.map((_, i) => i);
    if (state.sort) {
      const {column, descending} = state.sort;
      order.sort((i, j) => {
        const a = rows[i][column], b = rows[j][column];
        if (!a || !b) return compare(a, b);       // empty last also when descending
        const c = compare(a, b);
        return (descending ? -c : c) || i - j;
      });
    }
    state.order = order;
    return order;
  }

  function render() {
    const out = $('resultat');
    out.replaceChildren();
    const data = state.result;
    if (!data) return;
    if ('boolean' in data) {
      const p = document.createElement('p');
      p.className = 'svar';
      p.textContent = data.boolean ? 'Ja' : 'Nej';
      out.append(p);
      return;
    }
    const vars = data.head.vars || [];
    const rows = data.results.bindings;
    if (!rows.length) {
      const p = document.createElement('p');
      p.textContent = 'Ingen rækker.';
      out.append(p);
      return;
    }
    const pages = Math.max(1, Math.ceil(rows.length / PAGE_SIZE));
    state.page = Math.min(Math.max(0, state.page), pages - 1);
    const table = document.createElement('table');
    table.className = 'resultater';
    const head = table.createTHead().insertRow();
    for (const v of vars) {
      const th = document.createElement('th');
      const button = document.createElement('button');
      button.type = 'button';
      const sorted = state.sort && state.sort.column === v;
      button.textContent = v + (sorted ? (state.sort.descending ? ' ▼' : ' ▲') : '');
      button.title = 'Sortér efter ' + v;
      th.setAttribute('aria-sort', sorted ? (state.sort.descending ? 'descending' : 'ascending') : 'none');
      button.addEventListener('click', () => {
        state.sort = sorted && !state.sort.descending ? {column: v, descending: true} : {column: v, descending: false};
        state.order = null;
        state.page = 0;
        render();
        updateUrl();
      });
      th.append(button);
      head.append(th);
    }
    const body = table.createTBody();
    const order = sortedOrder();
    for (const index of order.slice(state.page * PAGE_SIZE, (state.page + 1) * PAGE_SIZE)) {
      const tr = body.insertRow();
      for (const v of vars) tr.append(cell(rows[index][v]));
    }
    out.append(pager(pages, rows.length), table);
    if (pages > 1) out.append(pager(pages, rows.length));
  }

  function pager(pages, count) {
    const nav = document.createElement('div');
    nav.className = 'pager';
    const button = (text, page, disabled) => {
      const b = document.createElement('button');
      b.type = 'button';
      b.textContent = text;
      b.disabled = disabled;
      b.addEventListener('click', () => { state.page = page; render(); updateUrl(); });
      return b;
    };
    const info = document.createElement('span');
    const first = state.page * PAGE_SIZE + 1, last = Math.min(count, (state.page + 1) * PAGE_SIZE);
    info.textContent = 'Række ' + first + '–' + last + ' af ' + count + ' · side ' + (state.page + 1) + ' af ' + pages;
    nav.append(button('« Første', 0, state.page === 0), button('‹ Forrige', state.page - 1, state.page === 0), info,
               button('Næste ›', state.page + 1, state.page >= pages - 1),
               button('Sidste »', pages - 1, state.page >= pages - 1));
    return nav;
  }

  // ------------------------------------------------------------------------------------------ start
  $('koer').addEventListener('click', () => run());
  document.addEventListener('keydown', (event) => {
    if ((event.ctrlKey || event.metaKey) && event.key === 'Enter' && !(editor && editor.hasFocus())) {
      event.preventDefault();
      run();
    }
  });

  async function start() {
    makeEditor();
    fetch('/terms.json').then((r) => (r.ok ? r.json() : {})).then((t) => {
      terms.classes.push(...(t.classes || []));
      terms.properties.push(...(t.properties || []));
    }).catch(() => {});
    const response = await fetch('/queries.json');
    for (const query of await response.json()) state.queries[query.name] = query;
    const search = new URLSearchParams(location.search);
    const values = {};
    for (const [key, value] of search) if (!RESERVED.has(key)) values[key] = value;
    if (search.get('q') && state.queries[search.get('q')]) choose(search.get('q'), values);
    else if (search.get('q')) showError("ukendt spørgsmål '" + search.get('q') + "'");
    if (search.has('query')) setText(search.get('query'));
    const page = Math.max(0, (parseInt(search.get('side') || '1', 10) || 1) - 1);
    urlView = {sort: search.get('sort'), page};
    window.sgReady = true;
    if ((search.get('q') && state.current) || search.has('query')) await run();
  }
  start().catch((error) => showError('Siden kunne ikke starte: ' + error.message));
})();
