// Test helper for the account-flow tests; not part of the package's public API (excluded from `files`).
// Core cannot reach an SMTP server (that is @portcullis/mail's job, tested against a real one): here the
// messages are kept in memory, and a failing SMTP server can be simulated.
import { createMemoryMailer, type MemoryMailer } from '../mail/memory-mailer.js';

export interface TestMailer extends MemoryMailer {
  /** Makes the next sends fail, as an unreachable SMTP server would. */
  failing: boolean;
}

export function createTestMailer(): TestMailer {
  const memory = createMemoryMailer();
  const mailer: TestMailer = {
    ...memory,
    failing: false,
    async send(message) {
      if (mailer.failing) throw new Error('connect ECONNREFUSED 127.0.0.1:2525');
      await memory.send(message);
    },
  };
  return mailer;
}
