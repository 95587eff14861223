import { applyFilePlan } from '../core/apply-file-plan.js';
import type { OpenClawPlan } from './plan.js';

/** Carries out a plan: backup, openclaw.json, then the stale per-agent registries. */
export function applyOpenClawPlan(plan: OpenClawPlan): void {
  applyFilePlan(plan.location.configPath, plan);
}
