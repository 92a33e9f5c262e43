/** What a handler states for the audit record of its answer: never read from the answer's field names. */
export interface AuditFacts {
  decision: string;
  score?: number | null;
  threshold?: number | null;
  accuracy?: number | null;
  /** Non-reversible reference to the identity token the call used (tokenRef in tokens/identity-token.codec). */
  tokenRef?: string;
}

/** An answer together with its audit facts; the audit interceptor records the facts and sends the body. */
export class AuditedAnswer<T extends object> {
  constructor(
    readonly body: T,
    readonly facts: AuditFacts,
  ) {}
}

export const answer = <T extends object>(body: T, facts: AuditFacts): AuditedAnswer<T> => new AuditedAnswer(body, facts);
