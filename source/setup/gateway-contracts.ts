/** The shapes of the gateway's `GET /stats` and `GET /events` as the dashboard reads them: the gateway's own types. */
export type { StatsSummary } from '../stats/summarise.js';
export type { StatsReport } from '../stats/stats-report.js';
/** One finished request, as `GET /events` streams it (`event: request`). */
export type { RequestRecord as LiveRequestRecord } from '../stats/request-record.js';
