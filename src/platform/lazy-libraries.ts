/**
 * Heavy libraries that only a few requests use — spreadsheets (exceljs), Word files (mammoth), image
 * thumbnails (sharp) — loaded at their first use rather than at start: together they are ≈ 60 MB of the
 * server's resident memory that a server which never exports a workbook need not carry.
 */
import type ExcelJS from 'exceljs';
import type Mammoth from 'mammoth';
import type Sharp from 'sharp';

export async function loadExcelJS(): Promise<typeof ExcelJS> {
  return (await import('exceljs')).default;
}

export async function loadMammoth(): Promise<typeof Mammoth> {
  return (await import('mammoth')).default;
}

export async function loadSharp(): Promise<typeof Sharp> {
  return (await import('sharp')).default;
}
