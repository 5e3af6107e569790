import { createRequire } from 'node:module';
import { decodeFrame, type DecodedPacket, type LinkType } from '../../shared/matcher/packet-decode';
import { errorMessage } from '../../shared/basics';

/** The part of the `cap` module we use (it ships no types); tests pass fakes of this shape. */
export interface CapModule {
  Cap: new () => CapHandle;
}

/** One libpcap handle as `cap` exposes it. */
export interface CapHandle {
  open(device: string, filter: string, bufferSize: number, buffer: Buffer): string;
  on(event: 'packet', listener: (bytes: number, truncated: boolean) => void): void;
  close(): void;
}

/** What a capture delivers: each decoded packet with the monotonic time (ms) it was read. */
export interface CaptureOptions {
  interface: string;
  filter: string;
  bufferBytes?: number;
  onPacket: (packet: DecodedPacket, time: number) => void;
  loadCap?: () => unknown;
}

/** An open capture; `close` stops it. */
export interface Capture {
  linkType: LinkType;
  close(): void;
}

const LINK_TYPES: Record<string, LinkType> = {
  ETHERNET: 'ethernet',
  LINKTYPE_LINUX_SLL: 'linux-sll',
  RAW: 'raw',
  'Unknown linktype 276': 'linux-sll2',
};

/** Why capture failed, in words that say how to fix it. */
export function explainCaptureError(device: string, error: unknown): string {
  const text = errorMessage(error);
  if (/Cannot find module 'cap'|MODULE_NOT_FOUND/.test(text)) {
    return 'packet capture needs the optional module cap, which is not installed: apt-get install libpcap-dev, then npm install cap';
  }
  if (
    /libpcap|cannot open shared object|was compiled against a different Node|NODE_MODULE_VERSION/.test(
      text,
    )
  ) {
    return `the capture module cap cannot load (${text.split('\n')[0] ?? text}): install libpcap (apt-get install libpcap0.8) and rebuild it (npm rebuild cap)`;
  }
  if (/permission|not permitted|EPERM/i.test(text)) {
    return `no permission to capture on ${device}: run as root, or with CAP_NET_RAW and CAP_NET_ADMIN (see build/sesame-server.service)`;
  }
  if (/No such device|doesn't exist|no such/i.test(text)) {
    return `no network interface named ${device} (see \`ip link\`; choose one with -i or Interface in [options])`;
  }
  return `cannot capture on ${device}: ${text}`;
}

/**
 * Cap handles whose open failed, kept for the life of the process: cap's destructor stops a libuv
 * poll handle that only a successful open initializes, so garbage-collecting such a handle crashes
 * Node with SIGSEGV (cap 0.2.1, src/binding.cc: ~Pcap calls close(), which calls uv_poll_stop).
 * Failed opens are rare (a start or a reload that cannot capture): the few bytes kept do not matter.
 */
const failedHandles: CapHandle[] = [];

const defaultLoad = () => createRequire(import.meta.url)('cap') as unknown;

/**
 * Opens libpcap on the interface in immediate mode (cap sets it on Linux, so a knock is seen at
 * once) with the door filter in the kernel. It sees packets the host firewall drops, which a raw
 * IP socket would not. Failures are values whose message says which and how to fix it.
 */
export function openCapture(
  options: CaptureOptions,
): { ok: true; value: Capture } | { ok: false; error: string } {
  let module: CapModule;
  try {
    module = (options.loadCap ?? defaultLoad)() as CapModule;
  } catch (error) {
    return { ok: false, error: explainCaptureError(options.interface, error) };
  }
  const handle = new module.Cap();
  const buffer = Buffer.alloc(65535);
  let linkName: string;
  try {
    linkName = handle.open(
      options.interface,
      options.filter,
      options.bufferBytes ?? 32 * 1024 * 1024,
      buffer,
    );
  } catch (error) {
    failedHandles.push(handle);
    return { ok: false, error: explainCaptureError(options.interface, error) };
  }
  const linkType = LINK_TYPES[linkName];
  if (!linkType) {
    handle.close();
    return {
      ok: false,
      error: `cannot read packets of link type ${linkName} on ${options.interface}`,
    };
  }
  handle.on('packet', (bytes) => {
    const packet = decodeFrame(linkType, buffer, bytes);
    if (packet) options.onPacket(packet, performance.now());
  });
  return { ok: true, value: { linkType, close: () => handle.close() } };
}
