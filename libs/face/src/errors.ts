/**
 * Domain errors of the face engine. They carry a stable machine `code`; the gateway maps the
 * class to an HTTP status. Messages never contain image bytes or biometric values.
 */
export class FaceError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The client sent something that is not a usable image (format, size, corruption). */
export class InvalidImageError extends FaceError {
  constructor(message: string, code = 'invalid_image') {
    super(message, code);
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
    super(message, 'overloaded');
  }
}

/**
 * The caller gave up on the job (its AbortSignal fired): it was taken off the queue, or its
 * result was discarded. Not a fault of the image or of the engine.
 */
export class CancelledError extends FaceError {
  constructor(message = 'face analysis was cancelled') {
    super(message, 'cancelled');
  }
}

/** A model file is missing or does not match its pinned SHA-256. */
export class ModelIntegrityError extends FaceError {
  constructor(message: string) {
    super(message, 'model_integrity');
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
