import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { UseCases } from '../../../application/use-cases.js';
import {
  DailyReport,
  DailyReportQuery,
  dailyReportColumns,
  problems,
} from '../../../contracts/index.js';
import { actorOf } from '../auth.js';
import { prefersCsv, toCsv } from '../csv.js';

const csvExample = `${dailyReportColumns.join(',')}\r\n2026-11-23,8f0c…,42,35,3,2,12.5,31,9\r\n`;

/** Daily reports (docs/api.md, Admin → reports): JSON, or CSV with `Accept: text/csv`. */
export const reportRoutes: FastifyPluginAsyncZod<{ useCases: UseCases }> = async (
  app,
  { useCases },
) => {
  app.get(
    '/api/v1/reports/daily',
    {
      config: { access: ['staff'], limit: 'global' },
      schema: {
        tags: ['reports'],
        summary: 'Daily figures per department (admin; reception for its own departments)',
        description:
          'One row per service day per department (days in CLINIC_TIMEZONE, `from` and `to` ' +
          'included, at most 366 days). Send `Accept: text/csv` for the same rows as CSV: a ' +
          'header row of the JSON field names, empty cells for null.',
        querystring: DailyReportQuery,
        response: {
          200: {
            description: 'The report, as JSON or (Accept: text/csv) CSV',
            content: {
              'application/json': { schema: DailyReport },
              'text/csv': {
                schema: z.string().meta({ example: csvExample }),
              },
            },
          },
          ...problems(400, 401, 403, 404),
        },
      },
    },
    async (request, reply) => {
      const { departmentId, from, to } = request.query;
      const days = await useCases.dailyReport({ actor: actorOf(request), departmentId, from, to });
      void reply.header('vary', 'accept');
      if (prefersCsv(request.headers.accept)) {
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="daily-report-${from}-${to}.csv"`)
          .send(toCsv(dailyReportColumns, days));
      }
      return reply.type('application/json; charset=utf-8').send({ days });
    },
  );
};
