import { describe, expect, it } from 'vitest';
import { readDoorCommand } from '../../../shared/knockd/door-command-reader';

describe('readDoorCommand', () => {
  it.each([
    ['/sbin/iptables -I INPUT -s %IP% -p tcp --dport 22 -j ACCEPT', 'open', [22]],
    ['iptables -A INPUT -s %IP% -p tcp --dport 2222 -j ACCEPT', 'open', [2222]],
    ['iptables -D INPUT -s %IP% -p tcp --dport 22 -j ACCEPT', 'close', [22]],
    ['iptables -I INPUT -s %IP% -p tcp --dport 22 -j DROP', 'close', [22]],
    ['iptables -D INPUT -s %IP% -p tcp --dport 22 -j REJECT', 'open', [22]],
    [
      'iptables -D INPUT -s %IP% -j ACCEPT 2>/dev/null; iptables -I INPUT -s %IP% -j ACCEPT',
      'open',
      [],
    ],
    ['iptables -A INPUT -p tcp --dport 1000:2000 -j ACCEPT', 'open', []],
    ['nft add rule inet filter input ip saddr %IP% tcp dport 22 accept', 'open', [22]],
    [
      'nft add rule inet filter input tcp dport { 22, 443 } ip saddr %IP% accept',
      'open',
      [22, 443],
    ],
    ['nft delete rule inet filter input handle 4', 'close', []],
    ['firewall-cmd --add-port=22/tcp', 'open', [22]],
    ['firewall-cmd --remove-port 2222/udp', 'close', [2222]],
    ['firewall-cmd --add-service=ssh', 'open', [22]],
    [
      `firewall-cmd --add-rich-rule='rule family="ipv4" source address="%IP%" port protocol="tcp" port="22" accept'`,
      'open',
      [22],
    ],
    [
      `firewall-cmd --remove-rich-rule="rule source address=%IP% service name=https accept"`,
      'close',
      [443],
    ],
    ['ufw allow from %IP% to any port 22', 'open', [22]],
    ['ufw delete allow from %IP% to any port 22', 'close', [22]],
    ['ufw allow 22/tcp', 'open', [22]],
    ['ufw deny 22', 'close', [22]],
    ['/usr/local/sbin/knock_add -i -c INPUT -p tcp -d 443 -f %IP%', 'open', [443]],
    ['iptables -I INPUT -s %IP% -d 10.0.0.1 -j ACCEPT', 'open', []],
    ['logger knocked %IP%', 'unknown', []],
  ] as const)('%s -> %s %j', (command, direction, ports) => {
    expect(readDoorCommand(command)).toEqual({ direction, ports: [...ports] });
  });

  it('reads no command as unknown', () => {
    expect(readDoorCommand(undefined)).toEqual({ direction: 'unknown', ports: [] });
  });
});
