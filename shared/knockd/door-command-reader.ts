// Reading a knockd door command: whether it opens or closes the firewall (iptables, nft,
// firewalld, ufw, Debian's knock_add) and which ports it names, so the importer can pair doors.

/** What a door's command does to the firewall, as far as its text tells. */
export type DoorDirection = 'open' | 'close' | 'unknown';

/** A door command read for the importer: its direction and the ports it names, in order. */
export interface DoorCommandReading {
  direction: DoorDirection;
  ports: number[];
}

const SERVICES: ReadonlyMap<string, number> = new Map([
  ['ssh', 22],
  ['http', 80],
  ['https', 443],
]);
// Words followed by a port: iptables, nft, firewall-cmd (space form), ufw `to any port 22`.
const PORT_KEYS = new Set(
  'dport --dport dports --dports --destination-port port --add-port --remove-port'.split(' '),
);
const PORT_KEYS_EQ = /^(?:--dports?|--destination-port|--(?:add|remove)-port|port)=(.*)$/;

/** Ports in `22`, `22,80`, `{22,`, `22/tcp`; ranges (`1000:2000`, `22-25`) name no single port. */
function portsIn(text: string): number[] {
  return text
    .split(',')
    .map((piece) => piece.replace(/[{}]/g, '').replace(/\/(?:tcp|udp)$/i, ''))
    .filter((piece) => /^[0-9]{1,5}$/.test(piece))
    .map(Number)
    .filter((port) => port >= 1 && port <= 65535);
}

/** Splits one shell statement into words, dropping quotes (rich rules are quoted). */
function words(statement: string): string[] {
  return statement
    .replace(/["']/g, '')
    .split(/\s+/)
    .filter((word) => word !== '');
}

/** Ports one statement names: iptables/nft `dport`, firewalld, ufw, Debian's `knock_add -d`. */
function statementPorts(all: readonly string[]): number[] {
  const ports: number[] = [];
  const knockAdd = all.some((w) => /(?:^|\/)knock_add$/.test(w));
  for (let i = 0; i < all.length; i += 1) {
    const word = all[i] ?? '';
    const next = all[i + 1] ?? '';
    const prev = (all[i - 1] ?? '').toLowerCase();
    const lower = word.toLowerCase();
    const eq = PORT_KEYS_EQ.exec(lower);
    if (eq) ports.push(...portsIn(eq[1] ?? ''));
    else if (PORT_KEYS.has(lower)) {
      if (next !== '{') ports.push(...portsIn(next));
      else {
        // nft sets: `dport { 22, 80 }`, read once and skipped (a rescan per key is quadratic)
        const end = all.indexOf('}', i + 2);
        const stop = end === -1 ? all.length : end;
        for (const value of all.slice(i + 2, stop)) ports.push(...portsIn(value));
        i = stop;
      }
    } else if (knockAdd && word === '-d') ports.push(...portsIn(next));
    else if (
      /^--(?:add|remove)-service=/.test(lower) ||
      /^service name=/.test(`${prev} ${lower}`)
    ) {
      const service = SERVICES.get(lower.slice(lower.indexOf('=') + 1));
      if (service !== undefined) ports.push(service);
    } else if (/^(?:allow|deny|reject|limit)$/.test(lower)) ports.push(...portsIn(next));
  }
  return ports;
}

/** One statement's direction: the action (insert/delete) applied to the verdict (accept/drop). */
function statementDirection(all: readonly string[]): DoorDirection {
  const lower = all.map((w) => w.toLowerCase());
  const adds = all.some(
    (w, i) =>
      w === '-I' ||
      w === '-A' ||
      /^(?:add|insert|--insert|--append)$/.test(lower[i] ?? '') ||
      /^--add-/.test(lower[i] ?? '') ||
      /(?:^|\/)knock_add$/.test(w),
  );
  const removes = all.some(
    (w, i) => w === '-D' || /^(?:delete|--delete|del|remove)$|^--remove-/.test(lower[i] ?? ''),
  );
  const accepts = lower.some((w) => w === 'accept' || w === 'allow');
  const drops = lower.some((w) => w === 'drop' || w === 'deny' || w === 'reject');
  const verdict = accepts === drops ? undefined : accepts ? 'accept' : 'drop';
  if (adds && removes) return 'unknown';
  if (adds) return verdict === 'drop' ? 'close' : 'open';
  if (removes) return verdict === 'drop' ? 'open' : 'close';
  return verdict === undefined ? 'unknown' : verdict === 'accept' ? 'open' : 'close';
}

/**
 * Reads a door command so doors can be paired. Statements split at `;`, `&&`, `||`, `|` and new
 * lines; the last one with a direction decides (`iptables -D ...; iptables -I ...` opens). Adding an
 * ACCEPT rule opens, deleting it closes; adding a DROP/REJECT closes, deleting it opens.
 */
export function readDoorCommand(command: string | undefined): DoorCommandReading {
  let direction: DoorDirection = 'unknown';
  const ports = new Set<number>(); // in the order first named
  for (const statement of (command ?? '').split(/;|&&|\|\||\||\n/)) {
    const all = words(statement);
    const found = statementDirection(all);
    if (found !== 'unknown') direction = found;
    for (const port of statementPorts(all)) ports.add(port);
  }
  return { direction, ports: [...ports] };
}
