// The demo's development outbox (DATA_DIR/outbox/, one RFC 5322 .eml file per message) read as a mail client
// would, to follow the links it mails.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type AddressObject, simpleParser } from 'mailparser';

/** What a message is for, read from its link: the contract's two one-time links, or a notice without one. */
export type MailKind = 'verify-email' | 'reset-password' | 'notice';

export interface Mail {
  file: string;
  to: string;
  from: { name: string; address: string };
  subject: string;
  text: string;
  html: string;
  /** Every http(s) URL in the plain-text part. */
  links: string[];
  /** Every `href` of the HTML part, entities decoded. */
  hrefs: string[];
  kind: MailKind;
  /** The one-time token from the link's fragment (`#verify-email=<token>`), for the two link kinds. */
  token: string | undefined;
  /** The whole file as written. */
  raw: string;
}

function firstAddress(field: AddressObject | AddressObject[] | undefined) {
  const value = (Array.isArray(field) ? field[0] : field)?.value[0];
  return { name: value?.name ?? '', address: value?.address ?? '' };
}

const decodeEntities = (text: string) =>
  text.replace(/&(amp|lt|gt|quot|#39);/g, (_m, name: string) =>
    name === 'amp' ? '&' : name === 'lt' ? '<' : name === 'gt' ? '>' : name === 'quot' ? '"' : "'",
  );

async function parse(dir: string, file: string): Promise<Mail> {
  const raw = await readFile(join(dir, file), 'utf8');
  const parsed = await simpleParser(raw);
  const text = parsed.text ?? '';
  const html = typeof parsed.html === 'string' ? parsed.html : '';
  const links = [...text.matchAll(/https?:\/\/[^\s<>"]+/g)].map((m) => m[0]);
  const hrefs = [...html.matchAll(/href="([^"]*)"/g)].map((m) => decodeEntities(m[1]!));
  const fragment = links.map((link) => /#(verify-email|reset-password)=([^&\s]*)$/.exec(link)).find(Boolean);
  return {
    file,
    to: firstAddress(parsed.to).address,
    from: firstAddress(parsed.from),
    subject: parsed.subject ?? '',
    text,
    html,
    links,
    hrefs,
    kind: (fragment?.[1] as MailKind | undefined) ?? 'notice',
    token: fragment?.[2],
    raw,
  };
}

/** An outbox directory, its parsed messages cached by file name. */
export function readOutbox(dir: string) {
  const cache = new Map<string, Promise<Mail>>();

  /** Every message so far, oldest first (the names sort by time). */
  async function all(): Promise<Mail[]> {
    const files = (await readdir(dir).catch(() => [] as string[])).filter((f) => f.endsWith('.eml')).sort();
    return Promise.all(
      files.map((file) => {
        const parsed = cache.get(file) ?? parse(dir, file);
        cache.set(file, parsed);
        return parsed;
      }),
    );
  }

  /**
   * The messages to `to` (of `kind`, when given), once there are at least `count` of them: mail is sent
   * after the response, so this polls, for at most `timeoutMs`.
   */
  async function waitFor(
    to: string,
    options: { kind?: MailKind; count?: number; timeoutMs?: number } = {},
  ): Promise<Mail[]> {
    const count = options.count ?? 1;
    const deadline = Date.now() + (options.timeoutMs ?? 10_000);
    for (;;) {
      const mails = (await all()).filter(
        (m) =>
          m.to.toLowerCase() === to.toLowerCase() && (options.kind === undefined || m.kind === options.kind),
      );
      if (mails.length >= count) return mails;
      if (Date.now() > deadline)
        throw new Error(
          `expected ${count} ${options.kind ?? ''} mail(s) to ${to} in the outbox, found ${mails.length}`,
        );
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  return { dir, all, waitFor };
}

export type Outbox = ReturnType<typeof readOutbox>;
