import type { Invoice } from '../domain/invoice';

const money = (m: { amount: number; currency: string }) => `${(m.amount / 100).toFixed(2)} ${m.currency}`;

/** The invoice as a printable page (no script, print styles), every value escaped. */
export function invoicePage(inv: Invoice, esc: (s: string) => string): string {
  const rows = inv.lines
    .map(
      (l) =>
        `<tr><td>${esc(l.sku)}</td><td>${esc(l.name)}</td><td class="n">${l.quantity}</td>` +
        `<td class="n">${money(l.unitPrice)}</td><td class="n">${money(l.net)}</td>` +
        `<td class="n">${money(l.tax)}</td><td class="n">${money(l.gross)}</td></tr>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Invoice ${esc(inv.number)}</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:2rem;color:#111}
table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #ccc;padding:.4rem;text-align:left}
.n{text-align:right}@media print{body{margin:0}}
</style></head><body>
<h1>Invoice ${esc(inv.number)}</h1>
<p>DBcarts · Progressive Pathways<br>Order ${esc(inv.orderId)} · issued ${esc(inv.issuedAt.toISOString().slice(0, 10))} · ship to ${esc(inv.country)} · tax ${inv.taxRatePercent}%</p>
<table><thead><tr><th>SKU</th><th>Item</th><th class="n">Qty</th><th class="n">Unit</th><th class="n">Net</th><th class="n">Tax</th><th class="n">Gross</th></tr></thead>
<tbody>
${rows}
</tbody></table>
<p class="n">Discount ${money(inv.discount)}<br>Net ${money(inv.net)}<br>Tax ${money(inv.tax)}<br><strong>Total ${money(inv.gross)}</strong></p>
</body></html>`;
}
