// The static report's tables: click a column to sort (numbers as numbers; again to reverse), type to
// filter rows by any cell. The rows start failed first, as the run's page shows them.
(function () {
  const isNumber = v => v !== '' && !isNaN(Number(v));
  for (const section of document.querySelectorAll('section.cohort')) {
    const table = section.querySelector('table'), body = table.tBodies[0], filter = section.querySelector('input.filter');
    const rows = [...body.rows];
    let sortCol = -1, dir = 1;
    const render = () => {
      const q = filter.value.toLowerCase();
      let shown = rows.filter(r => !q || r.textContent.toLowerCase().includes(q));
      if (sortCol >= 0) {
        shown = shown.map((r, i) => ({ r, i })).sort((a, b) => {
          const x = a.r.cells[sortCol].textContent, y = b.r.cells[sortCol].textContent;
          const c = isNumber(x) && isNumber(y) ? Number(x) - Number(y) : x.localeCompare(y);
          return (c || a.i - b.i) * dir;
        }).map(x => x.r);
      }
      body.replaceChildren(...shown);
      [...table.tHead.rows[0].cells].forEach((th, i) => { th.className = i === sortCol ? (dir > 0 ? 'sorted-asc' : 'sorted-desc') : ''; });
    };
    [...table.tHead.rows[0].cells].forEach((th, i) => th.addEventListener('click', () => {
      dir = sortCol === i ? -dir : 1; sortCol = i; render();
    }));
    filter.addEventListener('input', render);
  }
})();
