// vendor-entry.js: what scripts/deps-npm.sh bundles from npm into deps/js/vendor.js.
// Runs once in the zygote, before prelude.js, which takes these and deletes
// the global.
import { transform } from 'sucrase';
import { inspect, format, formatWithOptions } from 'node-inspect-extracted';

globalThis.__kilnVendor = { transform, inspect, format, formatWithOptions };
