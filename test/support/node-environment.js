/**
 * Jest runs tests in a separate V8 realm; onnxruntime-node's native addon returns typed arrays of
 * the main realm, which fail `instanceof Float32Array` checks inside the test realm. Share the
 * main realm's typed-array constructors with the tests.
 */
const { TestEnvironment } = require('jest-environment-node');

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
  }
}

module.exports = SharedTypedArrayEnvironment;
