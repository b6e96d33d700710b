// A WSUS server as the seed compares it: server name and port ("http://server1.contoso.com:80").

/** Server name and port, as the seed compares them (http → 80, https → 443 when no port is written). */
export function serverAndPort(url: string): string {
  const m = /^(?:(?<scheme>https?):\/\/)?(?<host>[^/:\s]+)(?::(?<port>\d+))?/i.exec(url.trim());
  if (!m) return url.trim().toLowerCase();
  const { scheme, host, port } = m.groups!;
  return `${host.toLowerCase()}:${port ?? (scheme?.toLowerCase() === 'https' ? '443' : '80')}`;
}
