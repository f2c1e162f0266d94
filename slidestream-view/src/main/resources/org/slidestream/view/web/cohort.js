// The cohort page: status.csv (or metrics.csv) as a table, failed rows first, sortable by any column,
// filterable by text; the summary charts come from the server as SVG.
(function () {
  const id = decodeURIComponent(location.pathname.split('/')[2]);
  const table = document.getElementById('table');
  let data = null, sortCol = null, sortDir = 0;

  function isNumber(v) { return v !== '' && v !== null && !isNaN(Number(v)); }

  function render() {
    const filter = document.getElementById('filter').value.toLowerCase();
    let rows = data.rows.map((r, i) => ({ r, i }));
    if (filter) rows = rows.filter(x => Object.values(x.r.cells).some(v => String(v).toLowerCase().includes(filter)));
    if (sortCol !== null) {
      rows.sort((a, b) => {
        const x = a.r.cells[sortCol] ?? '', y = b.r.cells[sortCol] ?? '';
        const c = isNumber(x) && isNumber(y) ? Number(x) - Number(y) : String(x).localeCompare(String(y));
        return (c || a.i - b.i) * sortDir;
      });
    }
    const body = table.tBodies[0];
    body.replaceChildren();
    for (const { r } of rows) {
      const tr = body.insertRow();
      tr.className = (r.cells.status || '').toLowerCase();
      for (const col of data.columns) {
        const td = tr.insertCell(), v = r.cells[col] ?? '';
        if (isNumber(v)) td.className = 'num';
        if ((col === 'slide' || col === 'round') && r.slide) {
          const a = document.createElement('a');
          a.href = '/slide/' + encodeURIComponent(r.slide); a.textContent = v; td.append(a);
        } else td.textContent = v;
      }
    }
    for (const th of table.tHead.rows[0].cells) {
      th.className = th.dataset.col === sortCol ? (sortDir > 0 ? 'sorted-asc' : 'sorted-desc') : '';
    }
  }

  fetch('/api/cohort/' + encodeURIComponent(id)).then(r => r.json()).then(d => {
    data = d;
    document.title = id + ' — slidestream view';
    document.getElementById('title').textContent = id + ' (' + d.folder + ')';
    const counts = document.getElementById('counts');
    for (const [k, v] of Object.entries(d.counts)) {
      const s = document.createElement('span'); s.textContent = (k || 'rows') + ': ' + v; counts.append(s);
    }
    const charts = document.getElementById('charts');
    for (const c of d.charts) {
      const img = document.createElement('img');
      img.src = '/api/cohort/' + encodeURIComponent(id) + '/chart/' + encodeURIComponent(c) + '.svg'; img.alt = c;
      charts.append(img);
    }
    const tr = table.tHead.insertRow();
    for (const col of d.columns) {
      const th = document.createElement('th'); th.textContent = col; th.dataset.col = col;
      th.addEventListener('click', () => {
        sortDir = sortCol === col ? -sortDir : 1; sortCol = col; render();
      });
      tr.append(th);
    }
    render();
  });
  document.getElementById('filter').addEventListener('input', () => data && render());
})();
