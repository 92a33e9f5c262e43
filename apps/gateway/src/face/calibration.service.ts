import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AuditService } from '@facenition/audit';
import { builtinLevels, type ActiveCalibration, type CalibrationSource, type LevelThresholds } from './calibration';

/** The calibration loaded from FACENITION_CALIBRATION_FILE (undefined: built-in thresholds). */
export const CALIBRATION = Symbol('CALIBRATION');

/** The audit record of the boot event: the log has no action column, so a path-like endpoint (filterable as ?endpoint=) names it. */
export const CALIBRATION_LOADED = '/system/calibration.loaded';

/** A level's threshold and the calibration (`builtin` or the file's 16-hex id) that set it. */
export interface Threshold {
  threshold: number;
  calibration: string;
}

/**
 * The thresholds of the accuracy levels: /match, /match-bulk, /consistency-check and the
 * identity-token verifications ask here, never the built-in tables directly, so a deployment's
 * calibration (FACENITION_CALIBRATION_FILE) applies everywhere at once.
 */
@Injectable()
export class ThresholdService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Calibration');
  private readonly levels: readonly LevelThresholds[];

  constructor(
    @Inject(CALIBRATION) private readonly active: ActiveCalibration | undefined,
    private readonly audit: AuditService,
  ) {
    this.levels = active?.levels ?? builtinLevels();
  }

  private level(level: number): LevelThresholds {
    const found = this.levels.find((l) => l.level === level);
    if (!found) throw new RangeError(`accuracy level must be 1..8, got ${level}`);
    return found;
  }

  /** Cosine threshold of unprotected matching (/match, /match-bulk, /consistency-check). */
  match(level: number): Threshold {
    const l = this.level(level);
    return { threshold: l.match, calibration: l.source.calibration };
  }

  /** Threshold on the protected score of identity-token verification. */
  token(level: number): Threshold {
    const l = this.level(level);
    return { threshold: l.token, calibration: l.source.calibration };
  }

  source(level: number): CalibrationSource {
    return this.level(level).source;
  }

  /** The loaded calibration, if any. */
  get calibration(): ActiveCalibration | undefined {
    return this.active;
  }

  /** One log line and one audit record per start with a calibration file; a failed audit append fails the start. */
  async onApplicationBootstrap(): Promise<void> {
    const c = this.active;
    if (!c) return;
    const builtin = builtinLevels();
    const moves = c.calibratedLevels.map((n) => {
      const [old, now] = [builtin[n - 1], this.level(n)];
      return `${n}: match ${old.match} -> ${now.match}, token ${old.token} -> ${now.token}`;
    });
    this.logger.log(
      `calibration ${c.file} (sha256 ${c.sha256}, data_label ${JSON.stringify(c.dataLabel)}, created ${c.createdAt}): ` +
        `calibrated levels ${c.calibratedLevels.join(',') || 'none'}${moves.length ? ` (${moves.join('; ')})` : ''}; the other levels built-in`,
    );
    await this.audit.append({
      ts: new Date(),
      requestId: randomUUID(),
      clientId: null,
      endpoint: CALIBRATION_LOADED,
      status: 200,
      errorCode: null,
      decision: JSON.stringify({ sha256: c.sha256, data_label: c.dataLabel, created_at: c.createdAt, levels: c.calibratedLevels }),
      score: null,
      threshold: null,
      accuracy: null,
      tokenRef: null,
      latencyMs: 0,
      sourceIp: null,
    });
  }
}
