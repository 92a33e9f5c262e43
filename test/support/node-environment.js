/**
 * Jest runs tests in a separate V8 realm; onnxruntime-node's native addon returns typed arrays of
 * the main realm, which fail `instanceof Float32Array` checks inside the test realm. Share the
 * main realm's typed-array constructors with the tests.
 *
 * The realm's `process.env` is a copy, invisible to native code: SoftHSM2, loaded in-process through
 * pkcs11js, reads SOFTHSM2_CONF with getenv() at C_Initialize. Writes of the variables in
 * NATIVE_ENV go to the real environment too.
 */
const { TestEnvironment } = require('jest-environment-node');

const NATIVE_ENV = new Set(['SOFTHSM2_CONF']);

class SharedTypedArrayEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    for (const name of [
      'Float32Array',
      'Float64Array',
      'Int32Array',
      'Uint8Array',
      'BigInt64Array',
      'Int8Array',
      'Uint16Array',
      'Int16Array',
      'Uint32Array',
      'BigUint64Array',
      'Uint8ClampedArray',
    ]) {
      this.global[name] = globalThis[name];
    }
    this.global.process.env = new Proxy(this.global.process.env, {
      set(target, key, value) {
        if (NATIVE_ENV.has(key)) process.env[key] = value;
        return Reflect.set(target, key, value);
      },
      deleteProperty(target, key) {
        if (NATIVE_ENV.has(key)) delete process.env[key];
        return Reflect.deleteProperty(target, key);
      },
    });
  }
}

module.exports = SharedTypedArrayEnvironment;
