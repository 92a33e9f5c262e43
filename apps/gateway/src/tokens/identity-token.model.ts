import { EnrolmentRefusedError } from '@facenition/face';
import type { IdentityToken } from '@facenition/tokenisation';
import { ApiError, badRequest } from '../common/api-error';
import type { Threshold } from '../face/calibration.service';

/** What a new token is sealed with (besides the embedding). */
export interface MintInput {
  password: string;
  scope: string;
  accuracy: number;
  expiresAt: Date | null;
  /** a roster member token (version 3) of this roster (16 bytes) */
  rosterId?: Buffer;
}

export interface VerifyInput {
  password: string;
  scope: string;
  /** Verification level: the token's own by default, never lower. */
  accuracy?: number;
  releaseLabel?: string;
}

export interface RotateInput {
  password: string;
  scope: string;
  newPassword?: string;
  /** Level of the new token: the old token's by default. */
  accuracy?: number;
  expiresAt: Date | null;
}

export type FailureReason = 'no_match' | 'not_live' | 'expired' | 'revoked' | 'locked' | 'wrong_environment';

/** The answer of a verification (also of the verification step of a rotation). */
export interface AuthOutcome {
  authenticated: boolean;
  reason?: FailureReason;
  /** Only when authenticated: a failed attempt never learns how close it came (no score to climb on). */
  score: number | null;
  threshold: number;
  /** Which calibration set the threshold: `builtin` or the 16-hex id of FACENITION_CALIBRATION_FILE. */
  calibration: string;
  accuracy: number;
  releasedKey?: string;
  tokenId: Buffer;
}

/** A rotation's answer: the verification of the old token, and the new token when it succeeded. */
export interface Rotation {
  outcome: AuthOutcome;
  token?: string;
  tokenId?: string;
}

/** `at`: the level's threshold (ThresholdService.token). */
export const refusal = (t: IdentityToken, reason: FailureReason, accuracy: number, at: Threshold): AuthOutcome => ({
  authenticated: false,
  reason,
  score: null,
  threshold: at.threshold,
  calibration: at.calibration,
  accuracy,
  tokenId: Buffer.from(t.header.tokenId),
});

export const success = (score: number, at: Threshold, accuracy: number, tokenId: Buffer): AuthOutcome => ({
  authenticated: true,
  score: Math.round(score * 10000) / 10000,
  threshold: at.threshold,
  calibration: at.calibration,
  accuracy,
  tokenId,
});

/** The level chosen at enrolment binds the token: a caller may verify more strictly, never less. */
export function verificationLevel(t: IdentityToken, requested: number | undefined): number {
  const level = t.header.accuracy;
  if (requested !== undefined && requested < level) {
    throw badRequest(
      `accuracy ${requested} is below this token's level ${level}: verify at ${level} or higher (or omit accuracy)`,
      'accuracy_below_token_level',
    );
  }
  return requested ?? level;
}

export const tokenNotFound = () => new ApiError(404, 'no such identity token for this client', 'token_not_found');

/** An enrolment photo refused by a gate is a 400 naming the photo (at /rotate the liveness gate is a failed verification instead). */
export const asApiError = (err: unknown): never => {
  throw err instanceof EnrolmentRefusedError ? badRequest(err.message, err.code) : err;
};
