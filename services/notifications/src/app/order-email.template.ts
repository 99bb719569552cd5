import { escapeHtml } from '@dbcarts/http';
import type { OrderMessage } from '../domain/order-message';

/**
 * Plain text (listed at GET /api/me/notifications) and a simple HTML email of the same message.
 * Every value in the HTML is escaped: product names come from the catalog and addresses from
 * customers, so a name like `<img src=x onerror=...>` must arrive as text. Inline styles only
 * (mail clients drop <style> and external CSS); no images, scripts or links.
 */
export function renderText(m: OrderMessage): string {
  const width = Math.max(...m.lines.map((l) => l.name.length), 4);
  return [
    m.headline,
    '',
    ...m.lines.map((l) => `${l.quantity} x ${l.name.padEnd(width)}  (${l.sku})  ${l.unitPrice} each  ${l.lineTotal}`),
    '',
    ...m.totals.map((t) => `${t.label}: ${t.value}`),
    '',
    m.closing,
    '',
    'DBcarts',
  ].join('\n');
}

export function renderHtml(m: OrderMessage): string {
  const e = escapeHtml;
  const cell = 'style="padding:4px 8px;border-bottom:1px solid #ddd"';
  const num = 'style="padding:4px 8px;border-bottom:1px solid #ddd;text-align:right"';
  const rows = m.lines
    .map(
      (l) =>
        `<tr><td ${cell}>${e(l.name)}<br><small>${e(l.sku)}</small></td><td ${num}>${l.quantity}</td>` +
        `<td ${num}>${e(l.unitPrice)}</td><td ${num}>${e(l.lineTotal)}</td></tr>`,
    )
    .join('');
  const totals = m.totals
    .map((t) => `<tr><td colspan="3" ${num}>${e(t.label)}</td><td ${num}><strong>${e(t.value)}</strong></td></tr>`)
    .join('');
  return (
    `<!doctype html><html><head><meta charset="utf-8"><title>${e(m.subject)}</title></head>` +
    '<body style="font-family:Arial,Helvetica,sans-serif;color:#222">' +
    `<p>${e(m.headline)}</p>` +
    '<table style="border-collapse:collapse">' +
    `<tr><th ${cell}>Item</th><th ${num}>Qty</th><th ${num}>Price</th><th ${num}>Amount</th></tr>` +
    `${rows}${totals}</table>` +
    `<p>${e(m.closing)}</p><p>DBcarts</p></body></html>`
  );
}
