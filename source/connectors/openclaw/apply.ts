import { applyFilePlan } from '../core/apply-file-plan.js';
import { writeConnectionRecord } from './connection-record.js';
import type { OpenClawPlan } from './plan.js';

/** Carries out a plan: backup, openclaw.json, the stale per-agent registries, then the record of what connect changed. */
export function applyOpenClawPlan(plan: OpenClawPlan): void {
  applyFilePlan(plan.location.configPath, plan);
  writeConnectionRecord(plan.record.path, plan.location.configPath, plan.record.next);
}
