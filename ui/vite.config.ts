import { defineConfig, type Plugin } from "vite";

// Tauri's `freezePrototype` freezes Object.prototype, so assigning a property that
// Object.prototype already has (such as `constructor`) to a plain object throws. Preact's
// internal `assign` copies vnodes with `n[u] = l[u]`, and a vnode carries an own
// `constructor: undefined`, so re-renders would throw. This rewrites that one helper to
// define properties instead of assigning them. The build fails if Preact changes shape, so
// an upgrade cannot silently bring the problem back.
function preactFrozenPrototype(): Plugin {
  const helper = /function (\w+)\(n,l\)\{for\(var u in l\)n\[u\]=l\[u\];return n\}/;
  return {
    name: "consentry:preact-frozen-prototype",
    enforce: "pre",
    transform(code, id) {
      if (!/node_modules\/preact\/dist\/preact\.module\.js$/.test(id)) return null;
      if (!helper.test(code)) {
        this.error("Preact's assign helper was not found: check freezePrototype compatibility before upgrading Preact.");
      }
      return code.replace(
        helper,
        (_m, name: string) =>
          `function ${name}(n,l){for(var u in l)Object.defineProperty(n,u,{value:l[u],writable:true,enumerable:true,configurable:true});return n}`,
      );
    },
  };
}

// Static build for Tauri: no dev server is used by the app; `tauri.conf.json` serves ui/dist.
export default defineConfig({
  clearScreen: false,
  plugins: [preactFrozenPrototype()],
  oxc: {
    jsx: { runtime: "automatic", importSource: "preact" },
  },
  build: {
    target: "safari15",
    outDir: "dist",
    emptyOutDir: true,
    sourcemap: false,
    // One script and one stylesheet, no inline code: the CSP allows only 'self'.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
});
