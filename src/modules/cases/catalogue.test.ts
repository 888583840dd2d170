import ExcelJS from 'exceljs';
import type { Selectable } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { CategoriesTable } from '../../platform/db/schema.js';
import { catalogueToXlsx, categoryToRow, parseCatalogueXlsx } from './catalogue.js';
import { defaultCatalogue } from './default-catalogue.js';

/** A stored row as the store reads it back (attributes parsed, generated columns filled). */
function stored(c: ReturnType<typeof defaultCatalogue>[number]): Selectable<CategoriesTable> {
  const row = categoryToRow(c);
  return { ...row, attributes: c.attributes, updated_at: new Date() } as Selectable<CategoriesTable>;
}

describe('catalogue XLSX: the publication policy (公开范围)', () => {
  const [first, second] = defaultCatalogue();
  if (!first || !second) throw new Error('empty default catalogue');

  it('exports and imports publication, hotline opt-in and point precision', async () => {
    const edited = {
      ...first,
      publication: 'text' as const,
      publishHotline: true,
      pointPrecision: 'exact' as const,
    };
    const parsed = await parseCatalogueXlsx(await catalogueToXlsx([stored(edited), stored(second)]));
    expect(parsed[0]).toMatchObject({
      code: first.code,
      publication: 'text',
      publishHotline: true,
      pointPrecision: 'exact',
    });
    expect(parsed[1]).toMatchObject({ publication: 'status', publishHotline: false, pointPrecision: 'grid' });
  });

  it('reads a workbook made before 0016 with the cautious defaults', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await catalogueToXlsx([stored(first)])) as unknown as ArrayBuffer);
    const ws = wb.worksheets[0];
    if (!ws) throw new Error('no sheet');
    ws.spliceColumns(ws.columnCount - 2, 3);
    const old = Buffer.from(await wb.xlsx.writeBuffer());
    const [parsed] = await parseCatalogueXlsx(old);
    expect(parsed).toMatchObject({ publication: 'status', publishHotline: false, pointPrecision: 'grid' });
  });

  it('names a row with an unknown level', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await catalogueToXlsx([stored(first)])) as unknown as ArrayBuffer);
    const ws = wb.worksheets[0];
    if (!ws) throw new Error('no sheet');
    ws.getRow(2).getCell(ws.columnCount - 2).value = 'everything';
    await expect(parseCatalogueXlsx(Buffer.from(await wb.xlsx.writeBuffer()))).rejects.toMatchObject({
      code: 'xlsx_row',
    });
  });
});
