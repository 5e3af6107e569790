/** The ports a server listens on: every element of every door's sequence. */
export interface ListenedPort {
  protocol: 'tcp' | 'udp';
  port: number;
}

/**
 * The kernel (BPF) filter for the server's capture, in libpcap syntax: only TCP/UDP packets to a
 * port some door lists reach user space, as with knockd's filter. Destination address and TCP flag
 * tests stay in the matcher (libpcap cannot test TCP flags over IPv6), so this is a superset.
 * `ipv4Only` (the server's -4) drops IPv6 in the kernel too. With `vlanTags` (an Ethernet
 * interface), frames with one or two VLAN tags pass as untagged ones do.
 */
export function captureFilter(
  ports: readonly ListenedPort[],
  ipv4Only: boolean,
  vlanTags = false,
): string {
  const byProtocol = (protocol: 'tcp' | 'udp') =>
    [...new Set(ports.filter((p) => p.protocol === protocol).map((p) => p.port))].sort(
      (a, b) => a - b,
    );
  const clauses = (['tcp', 'udp'] as const).flatMap((protocol) =>
    byProtocol(protocol).map((port) => `(${protocol} dst port ${port})`),
  );
  const ports_ = clauses.length > 0 ? clauses.join(' or ') : 'less 0';
  const untagged = ipv4Only ? `ip and (${ports_})` : `(ip or ip6) and (${ports_})`;
  // 802.1Q/802.1ad-tagged frames (a trunk): Linux moves a received frame's outer tag out of the
  // frame before capture, so a frame with one tag passes `untagged`. With two, the inner tag stays:
  // libpcap's first `vlan` matches the moved tag, the second the one in the frame, past which it
  // moves the offsets of what follows. Tried on the bed with tcpreplay: this passes untagged, one
  // and two tags; adding `or (vlan and (...))` before the last part made two tags fail (the offsets
  // a `vlan` moves stay moved across `or`). The decoder skips both tags (packet-decode.ts).
  // libpcap refuses `vlan` on other link types (Linux cooked for `any`, raw IP for WireGuard).
  // pcap-filter's `and` and `or` have equal precedence: every part is in parentheses.
  return vlanTags ? `(${untagged}) or (vlan and vlan and (${untagged}))` : untagged;
}
