// Issue 3 brings this package; see README.md.
export {};
