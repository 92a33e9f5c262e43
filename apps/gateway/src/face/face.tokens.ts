export const FACE_POOL = Symbol('FACE_POOL');
