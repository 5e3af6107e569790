import { createRequire } from 'node:module';
import { decodeFrame, type DecodedPacket, type LinkType } from '../../shared/matcher/packet-decode';
import { errorMessage } from '../../shared/basics';

/** libpcap's counters for one capture since it opened (pcap_stats). */
export interface CaptureCounters {
  /** Packets that passed the filter (on Linux). */
  received: number;
  /** Packets the kernel dropped because the ring was full: knocks lost. */
  dropped: number;
  /** Packets the interface (driver) dropped, where it says. */
  interfaceDropped: number;
}

/**
 * The `sesame-capture` addon (native/capture: libpcap over Node-API), as its JavaScript API; tests
 * pass fakes of this shape.
 */
export interface CaptureModule {
  open(
    device: string,
    filter: string,
    snaplen: number,
    promiscuous: boolean,
    bufferBytes: number,
    batch: Buffer,
    onBatch: (count: number, error?: string) => void,
  ): { handle: unknown; linkType: number; snaplen: number };
  stats(handle: unknown): CaptureCounters;
  close(handle: unknown): void;
}

/**
 * Bytes of each packet kept: Ethernet (14) with two VLAN tags (8), an IPv6 header (40) and the TCP
 * header without options (20) are 82; the matcher reads nothing further. An IPv4 header with
 * options (up to 60 bytes) can push the ports past it on a tagged frame: such a packet is not read
 * as a knock (no knock client sets IP options).
 */
export const CAPTURE_SNAPLEN = 86;

/** Knock packets the kernel's ring holds by default (about 2 s of a 100,000 packets/s flood). */
export const RING_PACKETS = 200_000;

/**
 * The kernel ring's size in bytes for `packets` frames of `snaplen`. In immediate mode libpcap on
 * Linux uses TPACKET_V2, whose frames have a fixed size: the frame header and link header aligned
 * to 16 bytes, 4 bytes for a VLAN tag, then the snapshot (for Ethernet: align16(70 + snaplen)). With
 * 86 bytes a frame is 160, and 200,000 of them are 32,000,000 bytes.
 */
export function ringBytes(packets: number, snaplen: number): number {
  const frame = Math.ceil((70 + snaplen) / 16) * 16;
  return packets * frame;
}

/** Where packets come from and where they go. */
export interface CaptureOptions {
  interface: string;
  filter: string;
  onPacket: (packet: DecodedPacket, time: number) => void;
  /** Reading stopped (the interface went away...); the capture is closed. */
  onError?: (message: string) => void;
  /** Frames the kernel ring holds (default RING_PACKETS). */
  ringPackets?: number;
  loadModule?: () => unknown;
}

/** An open capture: its link type, libpcap's counters, and `close`. */
export interface Capture {
  linkType: LinkType;
  counters(): CaptureCounters;
  close(): void;
}

/** libpcap's DLT_ values for the link types the frame decoder reads. */
const LINK_TYPES: Readonly<Record<number, LinkType>> = {
  1: 'ethernet',
  12: 'raw',
  14: 'raw',
  101: 'raw',
  113: 'linux-sll',
  228: 'raw',
  229: 'raw',
  276: 'linux-sll2',
};

/** The optional module's name, as npm installs it. */
const MODULE = 'sesame-capture';

/** Why capture failed, in words that say how to fix it. */
export function explainCaptureError(device: string, error: unknown): string {
  const text = errorMessage(error);
  if (new RegExp(`Cannot find module '${MODULE}'|MODULE_NOT_FOUND`).test(text)) {
    return `packet capture needs the optional module ${MODULE} (native/capture), which is not built: apt-get install libpcap-dev, then npm rebuild ${MODULE}`;
  }
  if (
    /libpcap|cannot open shared object|was compiled against a different Node|NODE_MODULE_VERSION|undefined symbol/.test(
      text,
    )
  ) {
    return `the capture module ${MODULE} cannot load (${text.split('\n')[0] ?? text}): install libpcap (apt-get install libpcap0.8) and rebuild it (npm rebuild ${MODULE})`;
  }
  if (/permission|not permitted|EPERM/i.test(text)) {
    return `no permission to capture on ${device}: run as root, or with CAP_NET_RAW and CAP_NET_ADMIN (see build/sesame-server.service)`;
  }
  if (/No such device|doesn't exist|no such/i.test(text)) {
    return `no network interface named ${device} (see \`ip link\`; choose one with -i or Interface in [options])`;
  }
  return `cannot capture on ${device}: ${text}`;
}

/** Loads the addon (it throws when it is not built; explainCaptureError says how to fix that). */
// The name written out (not MODULE): the npm package test finds the bundle's lazy loads by it.
export const loadCaptureModule = () => createRequire(import.meta.url)('sesame-capture') as unknown;

/** Room for this many packet records per wakeup (each 8 bytes and at most the snapshot). */
const BATCH_BYTES = 256 * 1024;

/**
 * Opens libpcap on the interface: the first CAPTURE_SNAPLEN bytes of each packet, promiscuous mode
 * off (the doors are this host's own addresses), immediate delivery (a knock is seen at once) and a
 * ring of `ringPackets` frames, with the door filter in the kernel. It sees packets the host
 * firewall drops, which a raw IP socket would not. Failures are values whose message says which
 * and how to fix it.
 */
export function openCapture(
  options: CaptureOptions,
): { ok: true; value: Capture } | { ok: false; error: string } {
  let module: CaptureModule;
  try {
    module = (options.loadModule ?? loadCaptureModule)() as CaptureModule;
  } catch (error) {
    return { ok: false, error: explainCaptureError(options.interface, error) };
  }
  const batch = Buffer.alloc(BATCH_BYTES);
  // Known once open returns; the addon calls onBatch only later, from the event loop.
  const link: { type: LinkType | undefined } = { type: undefined };
  const onBatch = (count: number, error?: string) => {
    if (error !== undefined) {
      options.onError?.(error);
      return;
    }
    const linkType = link.type;
    if (!linkType) return;
    const time = performance.now();
    let at = 0;
    for (let i = 0; i < count; i += 1) {
      const length = batch.readUInt32LE(at);
      const frame = batch.subarray(at + 8, at + 8 + length);
      at += 8 + length;
      const packet = decodeFrame(linkType, frame);
      if (packet) options.onPacket(packet, time);
    }
  };
  let opened: ReturnType<CaptureModule['open']>;
  try {
    opened = module.open(
      options.interface,
      options.filter,
      CAPTURE_SNAPLEN,
      false,
      ringBytes(options.ringPackets ?? RING_PACKETS, CAPTURE_SNAPLEN),
      batch,
      onBatch,
    );
  } catch (error) {
    return { ok: false, error: explainCaptureError(options.interface, error) };
  }
  const linkType = LINK_TYPES[opened.linkType];
  link.type = linkType;
  if (!linkType) {
    module.close(opened.handle);
    return {
      ok: false,
      error: `cannot read packets of link type ${String(opened.linkType)} on ${options.interface}`,
    };
  }
  return {
    ok: true,
    value: {
      linkType,
      counters: () => module.stats(opened.handle),
      close: () => module.close(opened.handle),
    },
  };
}
