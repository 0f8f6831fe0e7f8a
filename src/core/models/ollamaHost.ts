/**
 * The base URL to connect to for an `OLLAMA_HOST` value, in every form Ollama itself accepts
 * (envconfig `Host()`/`ConnectableHost()`, https://github.com/ollama/ollama/blob/fb30760996871fa9460115c753afd2c60d4ab0f7/envconfig/config.go
 * lines 22-85; the FAQ's bind form `OLLAMA_HOST=0.0.0.0:11434`, https://github.com/ollama/ollama/blob/fb30760996871fa9460115c753afd2c60d4ab0f7/docs/faq.mdx):
 * - quotes and spaces around the value are ignored; empty or unset → `http://127.0.0.1:11434`;
 * - no scheme → `http` and port 11434; `http://host` without a port → 80, `https://host` → 443;
 * - an unspecified bind address is made connectable, because "unspecified addresses are valid for binding … but
 *   not for connecting as a client, which fails on Windows": `0.0.0.0` or an empty host → `127.0.0.1`,
 *   `::`/`[::]` → `[::1]`;
 * - a path (a proxy prefix) is kept, trailing slashes dropped.
 * Never throws: a port that is not a number in 0-65535 falls back to the default port, as Ollama does.
 */
export function connectableOllamaHost(raw: string | undefined): string {
  const value = (raw ?? '').trim().replace(/^["']+|["']+$/g, '').trim();
  const cut = value.indexOf('://');
  const scheme = cut >= 0 ? value.slice(0, cut) : 'http';
  const defaultPort = cut < 0 ? '11434' : scheme === 'https' ? '443' : scheme === 'http' ? '80' : '11434';
  const rest = (cut >= 0 ? value.slice(cut + 3) : value).replace(/\/+$/, '');
  const slash = rest.indexOf('/');
  const hostport = slash >= 0 ? rest.slice(0, slash) : rest;
  const path = slash >= 0 ? rest.slice(slash) : '';
  let host: string;
  let port: string;
  const bracketed = /^\[([^\]]*)\](?::(.*))?$/.exec(hostport);
  if (bracketed) [host, port] = [bracketed[1], bracketed[2] ?? defaultPort];
  else if ((hostport.match(/:/g) ?? []).length === 1) [host, port] = hostport.split(':') as [string, string];
  else [host, port] = [hostport, defaultPort]; // a bare name, IPv4 or unbracketed IPv6 (`::`)
  const n = Number(port);
  if (port === '' || !Number.isInteger(n) || n < 0 || n > 65535) port = defaultPort;
  if (host === '' || host === '0.0.0.0') host = '127.0.0.1';
  else if (host === '::' || /^[0:]+$/.test(host)) host = '::1';
  return `${scheme}://${host.includes(':') ? `[${host}]` : host}:${port}${path}`;
}
