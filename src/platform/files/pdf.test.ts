import { describe, expect, it } from 'vitest';
import { flateStream, pdf } from '../../testing/pdf.js';
import { pdfHasActiveContent } from './pdf.js';

const CATALOG = '<< /Type /Catalog /Pages 2 0 R >>';

describe('pdfHasActiveContent', () => {
  it('passes a plain PDF, and names that only start like JS', () => {
    expect(pdfHasActiveContent(pdf(CATALOG, '<< /Type /Pages /Kids [] /Count 0 /JSON 1 /JSX 2 >>'))).toBe(
      false,
    );
    expect(pdfHasActiveContent(pdf(CATALOG, flateStream('3 0 << /Type /Font /Subtype /Type1 >>')))).toBe(
      false,
    );
  });

  it('finds an OpenAction with /JavaScript and a /JS entry', () => {
    expect(
      pdfHasActiveContent(
        pdf('<< /Type /Catalog /OpenAction 2 0 R >>', '<< /S /JavaScript /JS (app.alert(1)) >>'),
      ),
    ).toBe(true);
    expect(pdfHasActiveContent(pdf(CATALOG, '<< /AA << /O << /JS 4 0 R >> >> >>'))).toBe(true);
  });

  it('finds names written with #xx escapes', () => {
    expect(pdfHasActiveContent(pdf(CATALOG, '<< /S /J#61vaScript /J#53 (x) >>'))).toBe(true);
  });

  it('finds JavaScript inside a Flate-compressed object stream', () => {
    const hidden = flateStream('3 0 << /S /JavaScript /JS (app.launchURL("http://x")) >>');
    expect(hidden.includes('JavaScript')).toBe(false);
    expect(pdfHasActiveContent(pdf(CATALOG, hidden))).toBe(true);
  });

  it('finds it in a stream nested in a stream, and in a stream with CRLF after the keyword', () => {
    const inner = flateStream('<< /JS (x) >>').toString('latin1');
    expect(pdfHasActiveContent(pdf(CATALOG, flateStream(inner)))).toBe(true);
    const crlf = Buffer.from(
      flateStream('<< /JS (x) >>').toString('latin1').replace('stream\n', 'stream\r\n'),
      'latin1',
    );
    expect(pdfHasActiveContent(pdf(CATALOG, crlf))).toBe(true);
  });
});
