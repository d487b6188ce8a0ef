/**
 * The layer rule (ARCHITECTURE.md, "Layers"): each layer imports only those to its left.
 *
 *   entities/ ← queues/ ← src/ ← workers/ ← cli/
 *
 * tools/ (the simulator, the bench, the demo generator) sit beside the product: they may
 * use any of it, and only the command line may use them. `npm test` runs this check
 * (`npm run check:layers`); a crossing fails it, naming the import.
 */
const layers = [
  { name: 'entities', may: ['entities'] },
  { name: 'queues', may: ['entities', 'queues'] },
  { name: 'src', may: ['entities', 'queues', 'src'] },
  { name: 'workers', may: ['entities', 'queues', 'src', 'workers'] },
  { name: 'tools', may: ['entities', 'queues', 'src', 'workers', 'tools'] },
  { name: 'cli', may: ['entities', 'queues', 'src', 'workers', 'tools', 'cli'] },
];
const ours = layers.map((layer) => layer.name);

module.exports = {
  forbidden: layers.map(({ name, may }) => ({
    name: `${name}-imports-only-${may.join('-')}`,
    comment: `${name}/ may import ${may.map((each) => `${each}/`).join(', ')} (ARCHITECTURE.md, "Layers")`,
    severity: 'error',
    from: { path: `^${name}/` },
    to: { path: `^(${ours.filter((other) => !may.includes(other)).join('|')})/` },
  })),
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|node_modules)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
