// Issue 5 brings this package; see README.md.
export {};
