// Issue 4 brings this package; see README.md.
export {};
