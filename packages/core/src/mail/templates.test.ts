import { afterEach, describe, expect, it, vi } from 'vitest';
import { escapeHtml } from './escape-html.js';
import type { MailContent } from './mailer.js';
import { defaultMailTemplates } from './templates.js';

const TOKEN = 'Zk9xN2JtUlVhM0x3cTVYc0p0d0VqY2hQb0RMZ3V4aUs';
const NOW = new Date('2026-12-05T07:14:00.000Z');
const inMinutes = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000);

afterEach(() => {
  vi.useRealTimers();
});

/** Every `href` of an HTML part, with the five entities `escapeHtml` writes decoded. */
function hrefs(html: string): string[] {
  const decode = (value: string) =>
    value.replace(/&(amp|lt|gt|quot|#39);/g, (_entity, name: string) =>
      name === 'amp' ? '&' : name === 'lt' ? '<' : name === 'gt' ? '>' : name === 'quot' ? '"' : "'",
    );
  return [...html.matchAll(/<a href="([^"]*)">/g)].map((match) => decode(match[1]!));
}

const occurrences = (haystack: string, needle: string) => haystack.split(needle).length - 1;

const links = [
  ['verifyEmail', `http://127.0.0.1:3000/#verify-email=${TOKEN}`],
  ['resetPassword', `https://app.example/account/#reset-password=${TOKEN}`],
] as const;

describe.each(links)('defaultMailTemplates.%s', (name, link) => {
  const render = (overrides: { appName?: string; email?: string; link?: string; minutes?: number } = {}) => {
    vi.useFakeTimers({ toFake: ['Date'], now: NOW });
    return defaultMailTemplates[name]({
      appName: overrides.appName ?? 'Acme',
      email: overrides.email ?? 'zoe@example.com',
      link: overrides.link ?? link,
      expiresAt: inMinutes(overrides.minutes ?? 30),
    });
  };

  it('puts the link on a line of its own in the text, and as the one href of the HTML', () => {
    const mail = render();
    expect(mail.text.split('\n')).toContain(link);
    expect(hrefs(mail.html)).toEqual([link]);
  });

  it('carries the token inside the link only: once in the text, once in the HTML, never in the subject', () => {
    const mail = render();
    expect(occurrences(mail.text, TOKEN)).toBe(1);
    expect(occurrences(mail.text, link)).toBe(1);
    expect(occurrences(mail.html, TOKEN)).toBe(1);
    expect(mail.subject).not.toContain(TOKEN);
  });

  it('escapes an app name, an address and a link that hold markup or quotes', () => {
    const appName = `Acme <script>alert("x")</script> & 'Co'`;
    const email = `"><img src=x onerror=alert(1)>@example.com`;
    const hostile = `https://app.example/?a=1&b="><script>x</script>#${name === 'verifyEmail' ? 'verify-email' : 'reset-password'}=${TOKEN}`;
    const mail = render({ appName, email, link: hostile });
    expect(mail.html).not.toMatch(/<script|<img|onerror=alert\(1\)>|"><|'Co'/);
    expect(mail.html).toContain('Acme &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;Co&#39;');
    expect(hrefs(mail.html)).toEqual([hostile]);
    // The text part is plain text: it says exactly what it was given.
    expect(mail.text).toContain(appName);
    expect(mail.subject).toContain(appName);
  });

  it('states how long the link works, without overstating it', () => {
    expect(render({ minutes: 30 }).text).toContain('for 30 minutes');
    expect(render({ minutes: 1 }).text).toContain('for 1 minute.');
    expect(render({ minutes: 24 * 60 }).text).toContain('for 24 hours');
    expect(render({ minutes: 150 }).text).toContain('for 2 hours');
    expect(render({ minutes: 90 }).html).toContain('for 90 minutes');
  });
});

describe('defaultMailTemplates: what the messages say', () => {
  it('verifyEmail names the address being confirmed and the app', () => {
    vi.useFakeTimers({ toFake: ['Date'], now: NOW });
    const mail = defaultMailTemplates.verifyEmail({
      appName: 'Acme',
      email: 'zoe@example.com',
      link: `https://app.example/#verify-email=${TOKEN}`,
      expiresAt: inMinutes(60),
    });
    expect(mail.subject).toBe('Confirm your e-mail address for Acme');
    expect(mail.text).toContain('Confirm that zoe@example.com is your address for Acme');
  });

  it('resetPassword does not name the address (a forwarded mail should not reveal it)', () => {
    const mail = defaultMailTemplates.resetPassword({
      appName: 'Acme',
      email: 'zoe@example.com',
      link: `https://app.example/#reset-password=${TOKEN}`,
      expiresAt: inMinutes(60),
    });
    expect(mail.subject).toBe('Reset your Acme password');
    expect(`${mail.text}${mail.html}`).not.toContain('zoe@example.com');
  });
});

describe('defaultMailTemplates.passwordChanged', () => {
  const notice = (how: 'reset' | 'change', apiKeys: number, appName = 'Acme'): MailContent =>
    defaultMailTemplates.passwordChanged({ appName, email: 'zoe@example.com', how, at: NOW, apiKeys });

  it('says whether the password was reset or changed, and when', () => {
    expect(notice('reset', 0).subject).toBe('Your Acme password was reset');
    expect(notice('change', 0).subject).toBe('Your Acme password was changed');
    expect(notice('reset', 0).text).toContain('was reset at 2026-12-05T07:14:00.000Z');
    expect(notice('change', 0).text).toContain('was changed at 2026-12-05T07:14:00.000Z');
    expect(notice('change', 0).text).not.toContain('reset at');
  });

  it('counts the API keys that still work', () => {
    expect(notice('reset', 0).text).toContain('The account has no API keys.');
    expect(notice('reset', 1).text).toContain('The account has 1 API key, which still work: review it');
    expect(notice('reset', 3).text).toContain('The account has 3 API keys, which still work: review them');
    expect(notice('reset', 3).html).toContain('The account has 3 API keys');
  });

  it('has no link, and escapes the app name in HTML', () => {
    const mail = notice('change', 2, '<b>Acme</b>');
    expect(mail.html).not.toMatch(/<a |href=|<b>/);
    expect(mail.html).toContain('&lt;b&gt;Acme&lt;/b&gt;');
    expect(mail.text).not.toMatch(/https?:\/\//);
    // The recipient's address is not repeated in the notice.
    expect(`${mail.subject}${mail.text}${mail.html}`).not.toContain('zoe@example.com');
  });
});

describe('escapeHtml', () => {
  it('escapes the five characters that matter in an element or a quoted attribute, and nothing else', () => {
    expect(escapeHtml(`<a href="x" title='y'>Tom & Zoë</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;Tom &amp; Zoë&lt;/a&gt;',
    );
    expect(escapeHtml('&amp;')).toBe('&amp;amp;');
    expect(escapeHtml('plain text, ünïcode ✓')).toBe('plain text, ünïcode ✓');
  });
});
