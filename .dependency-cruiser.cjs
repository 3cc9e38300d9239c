// The import boundaries of the workspace (the dependency direction of the README), checked by
// `pnpm verify`. Type-only imports count: they couple as much. The packages' own code (src/) is
// held to the package rules; their integration tests (test/) run the real server and recorder.
const PKG = '^(?:packages/|@auditlane/)';
const DEMOS = '^(?:examples/[^/]+|stories|bench)/';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'recorder-server-react-apart',
      comment: 'recorder, server and react never import one another (only the cli joins them)',
      severity: 'error',
      from: { path: '^packages/(recorder|server|react)/src/' },
      to: { path: `${PKG}(recorder|server|react)(?:/|$)`, pathNot: `${PKG}$1(?:/|$)` },
    },
    {
      name: 'only-cli-imports-recorder-and-server',
      comment: 'of the packages, only the cli (the auditlane command) imports recorder and server',
      severity: 'error',
      from: { path: '^packages/(client|react)/src/' },
      to: { path: `${PKG}(recorder|server)(?:/|$)` },
    },
    {
      name: 'client-at-the-bottom',
      comment: 'the client imports no other package of the workspace',
      severity: 'error',
      from: { path: '^packages/client/src/' },
      to: { path: `${PKG}(?!client(?:/|$))[^/]+` },
    },
    {
      name: 'nothing-imports-examples-stories-bench',
      comment: 'nothing imports examples, stories or bench (nor one of them another)',
      severity: 'error',
      from: { path: '^((?:packages|internal)/[^/]+|examples/[^/]+|stories|bench)/' },
      to: {
        path: `(?:${DEMOS}|^@auditlane/(?:example-[^/]+|stories|bench)(?:/|$))`,
        pathNot: '^$1/',
      },
    },
    {
      name: 'no-relative-imports-into-another-package',
      comment:
        'a package, an example, the stories or the bench import another package by its name, never by a path into it',
      severity: 'error',
      from: { path: '^((?:packages|internal|examples)/[^/]+|stories|bench)/' },
      to: {
        dependencyTypes: ['local'],
        path: '^(?:packages|internal/testing)/',
        pathNot: '^$1/',
      },
    },
    {
      name: 'no-src-paths-of-packages',
      comment: "imports name a package's entries, never its src/ files",
      severity: 'error',
      from: {},
      to: { path: '^@auditlane/[^/]+/(?:src|dist)/' },
    },
    {
      name: 'player-core-framework-free',
      comment:
        'the replay player core imports neither React nor xterm, not even through another module',
      severity: 'error',
      from: { path: '^packages/react/src/replay/core/' },
      to: {
        path: '(?:^|/node_modules/)(?:react|react-dom|scheduler|@xterm/[^/]+)(?:/|$)',
        reachable: true,
      },
    },
  ],
  options: {
    // Folders with node_modules are not scanned; what they hold is a dependency, not followed.
    exclude: { path: '(?:^|/)(?:dist|storybook-static)/' },
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    combinedDependencies: false,
    enhancedResolveOptions: {
      conditionNames: ['@auditlane/source', 'import', 'require', 'node', 'default'],
      extensions: ['.ts', '.tsx', '.d.ts', '.js', '.mjs', '.cjs', '.json'],
      exportsFields: ['exports'],
      mainFields: ['module', 'main', 'types'],
    },
  },
};
