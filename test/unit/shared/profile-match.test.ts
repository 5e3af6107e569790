import { describe, expect, it } from 'vitest';
import { profileAnswersTo, profileForHost } from '../../../shared/profile/profile-match';

// How `sesame proxy HOST PORT` finds its profile from what ssh passes as %h.

const profiles = [
  { name: 'lab', host: '10.77.0.1' },
  { name: 'Web', host: 'web.example.org' },
  { name: 'web-admin', host: 'web.example.org' },
  { name: 'v6', host: '[fd53:5e5a::1]' },
  { name: '10.77.0.9', host: '10.77.0.2' },
];

describe('profileForHost', () => {
  it('finds a profile by its name (the ssh alias), in any case', () => {
    expect(profileForHost(profiles, 'lab')).toEqual({ ok: true, value: profiles[0] });
    expect(profileForHost(profiles, 'WEB')).toEqual({ ok: true, value: profiles[1] });
  });

  it('finds a profile by its host, brackets and case aside', () => {
    expect(profileForHost(profiles, '10.77.0.1')).toEqual({ ok: true, value: profiles[0] });
    expect(profileForHost(profiles, 'FD53:5E5A::1')).toEqual({ ok: true, value: profiles[3] });
  });

  it('prefers the name when a name and another profile host are the same text', () => {
    expect(profileForHost(profiles, '10.77.0.9')).toEqual({ ok: true, value: profiles[4] });
  });

  it('refuses a host several profiles share, naming them and --profile', () => {
    expect(profileForHost(profiles, 'web.example.org')).toEqual({
      ok: false,
      error: "web.example.org is the host of profiles 'Web', 'web-admin': name one with --profile",
    });
  });

  it('says when nothing matches', () => {
    const found = profileForHost(profiles, 'elsewhere');
    expect(found.ok).toBe(false);
    if (!found.ok) expect(found.error).toContain('no profile is named elsewhere');
  });
});

describe('profileAnswersTo', () => {
  it('is true for the name or the host, false otherwise', () => {
    const [lab] = profiles;
    if (!lab) throw new Error('no profile');
    expect(profileAnswersTo(lab, 'LAB')).toBe(true);
    expect(profileAnswersTo(lab, '10.77.0.1')).toBe(true);
    expect(profileAnswersTo(lab, '10.77.0.2')).toBe(false);
  });
});
