/**
 * ln Φ(−t) for t ≥ 0, without underflow: Φ(−t) = erfc(t/√2)/2 with the Numerical Recipes erfc
 * approximation (fractional error < 1.2e-7 everywhere), evaluated in the log domain.
 */
export function logPhiNeg(t: number): number {
  const z = t / Math.SQRT2;
  const u = 1 / (1 + 0.5 * z);
  const poly =
    -z * z -
    1.26551223 +
    u *
      (1.00002368 +
        u *
          (0.37409196 +
            u *
              (0.09678418 +
                u * (-0.18628806 + u * (0.27886807 + u * (-1.13520398 + u * (1.48851587 + u * (-0.82215223 + u * 0.17087277))))))));
  return Math.log(0.5) + Math.log(u) + poly;
}

/**
 * Reliability of a sign bit as a log-likelihood ratio. For a probe component z' (of a unit vector
 * in R^dim, so z'·√dim is ~N(0,1)) and an assumed genuine correlation ρ, the probability that its
 * sign differs from the enrolled one is q = Φ(−a·|z'|·√dim) with a = ρ/√(1−ρ²); the LLR of
 * "same sign" is ln((1−q)/q).
 */
export function signLlr(absScaled: number, a: number, cap = 30): number {
  const lq = logPhiNeg(a * absScaled);
  const l1q = Math.log1p(-Math.exp(lq));
  return Math.min(cap, l1q - lq);
}
