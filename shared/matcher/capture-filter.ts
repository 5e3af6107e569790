/** The ports a server listens on: every element of every door's sequence. */
export interface ListenedPort {
  protocol: 'tcp' | 'udp';
  port: number;
}

/**
 * The kernel (BPF) filter for the server's capture, in libpcap syntax: only TCP/UDP packets to a
 * port some door lists reach user space, as with knockd's filter. Destination address and TCP flag
 * tests stay in the matcher (libpcap cannot test TCP flags over IPv6), so this is a superset.
 * `ipv4Only` (the server's -4) drops IPv6 in the kernel too.
 */
export function captureFilter(ports: readonly ListenedPort[], ipv4Only: boolean): string {
  const byProtocol = (protocol: 'tcp' | 'udp') =>
    [...new Set(ports.filter((p) => p.protocol === protocol).map((p) => p.port))].sort(
      (a, b) => a - b,
    );
  const clauses = (['tcp', 'udp'] as const).flatMap((protocol) =>
    byProtocol(protocol).map((port) => `(${protocol} dst port ${port})`),
  );
  const ports_ = clauses.length > 0 ? clauses.join(' or ') : 'less 0';
  return ipv4Only ? `ip and (${ports_})` : `(ip or ip6) and (${ports_})`;
}
