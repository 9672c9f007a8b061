// Stands in for `server-only` in tests: the real module throws outside React's server bundle.
export {};
