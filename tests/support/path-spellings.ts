// Shared by the sidecar guard's unit test and the fuzz run over every service.

/** Every spelling of a path a router or a proxy might take for the same route. */
export function spellings(path: string): string[] {
  const upper = path.toUpperCase();
  const mixed = path.replace(/[a-z]/g, (c, i) => (i % 2 ? c.toUpperCase() : c));
  const encodedSlashes = path.replace(/\//g, '%2F').replace(/^%2F/, '/');
  const encodedFirst = path.replace(/^\/(\w)/, (_m, c: string) => `/%${c.charCodeAt(0).toString(16)}`);
  return [
    path,
    upper,
    mixed,
    `${path}/`,
    `${mixed}/`,
    `/${path}`,
    path.replace(/\//g, '//'),
    encodedSlashes,
    encodedFirst,
    `/.${path}`,
    path.replace(/\/([^/]+)$/, '/./$1'),
    `/x/..${path}`,
    `${path}?x=1`,
  ];
}
