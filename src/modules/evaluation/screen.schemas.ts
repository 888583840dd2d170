/** Request and response schemas of the big screen (大屏): `GET /api/evaluation/screen`. */
import { z } from 'zod';

export const ScreenQuery = z.object({
  /** An area inside the caller's scope (district, street, community or grid); default: the whole scope. */
  area: z
    .string()
    .regex(/^\d{6,15}$/)
    .optional(),
});

const Series = z.array(z.object({ bucket: z.string(), received: z.number(), closed: z.number() }));

export const ScreenOut = z.object({
  generatedAt: z.string(),
  /** How often the screen asks again, in seconds. */
  refreshSeconds: z.number(),
  /** The area shown: '' = everywhere (an administrator without an area). */
  area: z.object({ code: z.string(), name: z.string() }),
  month: z.string(),
  today: z.object({ intake: z.number(), closed: z.number(), open: z.number(), overdue: z.number() }),
  /** Open and overdue cases per area code (grids for located cases); only codes with open cases. */
  load: z.array(z.object({ code: z.string(), open: z.number(), overdue: z.number() })),
  daily: Series,
  monthly: Series,
  topCategories: z.array(
    z.object({
      code: z.string(),
      name: z.string(),
      nameEn: z.string(),
      count: z.number(),
      previous: z.number(),
    }),
  ),
  /** Per street, the categories rising fastest this month against the same stretch of last month (每月一题). */
  rising: z.array(
    z.object({
      street: z.string(),
      streetName: z.string(),
      code: z.string(),
      name: z.string(),
      nameEn: z.string(),
      now: z.number(),
      before: z.number(),
      rise: z.number(),
    }),
  ),
  overdue: z.object({
    count: z.number(),
    rows: z.array(
      z.object({
        id: z.string(),
        number: z.string(),
        title: z.string(),
        areaName: z.string(),
        unitName: z.string().nullable(),
        category: z.string(),
        categoryEn: z.string(),
        dueAt: z.string(),
        overdueHours: z.number(),
      }),
    ),
  }),
  whistles: z.object({
    count: z.number(),
    rows: z.array(
      z.object({
        id: z.string(),
        number: z.string(),
        title: z.string(),
        areaName: z.string(),
        reportDueAt: z.string().nullable(),
        reported: z.number(),
        units: z.array(
          z.object({
            unitId: z.string(),
            name: z.string(),
            lead: z.boolean(),
            reportedAt: z.string().nullable(),
            late: z.boolean().nullable(),
          }),
        ),
      }),
    ),
  }),
  /** The emergency layer (应急图层): open incidents of the area, most severe first, with place and colour. */
  incidents: z.object({
    count: z.number(),
    rows: z.array(
      z.object({
        id: z.string(),
        number: z.string(),
        title: z.string(),
        type: z.string(),
        level: z.number().describe('1 (Ⅰ, most severe) to 4 (Ⅳ)'),
        colour: z.enum(['red', 'orange', 'yellow', 'blue']),
        areaName: z.string(),
        lon: z.number().nullable(),
        lat: z.number().nullable(),
        reportedAt: z.string(),
      }),
    ),
  }),
});
export type ScreenOutT = z.infer<typeof ScreenOut>;
