import { FacenitionError, INTERNAL_ERROR, type PublicError } from '@facenition/common';

/**
 * Domain errors of the face engine. They carry a stable machine `code` and the HTTP status they
 * answer with (400 unless said otherwise). Messages never contain image bytes or biometric values.
 */
export class FaceError extends FacenitionError {
  constructor(
    message: string,
    readonly code: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

/** The client sent something that is not a usable image (format, size, corruption). */
export class InvalidImageError extends FaceError {
  constructor(message: string, code = 'invalid_image') {
    super(message, code, code === 'image_too_large' ? 413 : 400);
  }
}

/** The image is fine but holds no usable face for the requested operation. */
export class NoFaceError extends FaceError {
  constructor(message = 'no face detected in the image') {
    super(message, 'no_face');
  }
}

/** The inference queue is full; the caller should retry later. */
export class OverloadedError extends FaceError {
  constructor(message = 'face engine is busy, retry later') {
    super(message, 'overloaded', 503);
  }
}

/**
 * The caller gave up on the job (its AbortSignal fired): it was taken off the queue, or its
 * result was discarded. Not a fault of the image or of the engine.
 */
export class CancelledError extends FaceError {
  constructor(message = 'face analysis was cancelled') {
    super(message, 'cancelled', 499);
  }

  /** Only answered when the client went away (a sibling image's failure is rethrown instead): 499 as nginx logs it. */
  override toPublic(): PublicError {
    return { status: this.status, code: this.code, message: 'request was cancelled' };
  }
}

/** A model file is missing or does not match its pinned SHA-256. */
export class ModelIntegrityError extends FaceError {
  constructor(message: string) {
    super(message, 'model_integrity', 500);
  }

  /** The message names model paths: the client learns only that the models are not available. */
  override toPublic(): PublicError {
    return { ...INTERNAL_ERROR, message: 'face models are not available' };
  }
}

/** Rebuilds a domain error that crossed a worker-thread boundary as a plain object. */
export function reviveFaceError(name: string, message: string, code: string): Error {
  switch (name) {
    case 'InvalidImageError':
      return new InvalidImageError(message, code);
    case 'NoFaceError':
      return new NoFaceError(message);
    case 'OverloadedError':
      return new OverloadedError(message);
    case 'ModelIntegrityError':
      return new ModelIntegrityError(message);
    default:
      return new Error(message);
  }
}

/**
 * An enrolment photo failed one of the enrolment gates (one face, quality, liveness, one person).
 * The message names the photo's field; it never holds an embedding.
 */
export class EnrolmentRefusedError extends FaceError {}

/** An enrolment photo shows more than one face. */
export class SeveralFacesError extends EnrolmentRefusedError {
  constructor(field: string, faces: number) {
    super(`'${field}' shows ${faces} faces; an enrolment photo must show exactly one`, 'several_faces');
  }
}

/** A quality component of an enrolment photo scores below the minimum (the message names the component). */
export class LowQualityError extends EnrolmentRefusedError {
  constructor(
    field: string,
    /** the first component below the minimum (a QualityComponentName) */
    readonly component: string,
    score: number,
    minimum: number,
  ) {
    super(`'${field}' is not good enough to enrol: ${component.replace('_', ' ')} scores ${score} (minimum ${minimum})`, 'low_quality');
  }
}

/** An enrolment photo scores below the liveness gate. */
export class LivenessFailedError extends EnrolmentRefusedError {
  constructor(field: string) {
    super(`'${field}' failed the liveness check (presentation attack suspected)`, 'liveness_failed');
  }
}

/** Two enrolment photos do not show the same person. */
export class InconsistentPhotosError extends EnrolmentRefusedError {
  constructor(a: string, b: string) {
    super(`'${a}' and '${b}' do not show the same person`, 'inconsistent_photos');
  }
}
