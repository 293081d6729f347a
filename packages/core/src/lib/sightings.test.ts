import { describe, expect, it } from 'vitest';
import { createSightings } from './sightings.js';

describe('createSightings', () => {
  it('says a key was seen before only from its second sighting on', () => {
    const sightings = createSightings(100);
    expect(sightings.seenBefore('token-a')).toBe(false);
    expect(sightings.seenBefore('token-b')).toBe(false);
    expect(sightings.seenBefore('token-a')).toBe(true);
    expect(sightings.seenBefore('token-a')).toBe(true);
  });

  it('forgets everything once `window` first sightings have been recorded', () => {
    const sightings = createSightings(4);
    for (const key of ['a1', 'a2', 'a3', 'a4']) expect(sightings.seenBefore(key)).toBe(false);
    expect(sightings.seenBefore('a4')).toBe(true);
    expect(sightings.seenBefore('a5')).toBe(false); // the fifth first sighting starts a new window
    expect(sightings.seenBefore('a1')).toBe(false);
    expect(sightings.seenBefore('a5')).toBe(true);
  });

  it('tells apart keys that differ only in their last characters (a JWS signature)', () => {
    const sightings = createSightings(10_000);
    const prefix = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.';
    const keys = Array.from({ length: 5_000 }, (_, i) => `${prefix}${i.toString(36).padStart(43, 'x')}`);
    const admittedEarly = keys.filter((key) => sightings.seenBefore(key)).length;
    // Collisions only admit a key one sighting early; at half load they must stay rare.
    expect(admittedEarly).toBeLessThan(keys.length * 0.01);
    // A slot another key took since is forgotten (one more verification, then admission): ~n/2m of them.
    const remembered = keys.filter((key) => sightings.seenBefore(key)).length;
    expect(remembered).toBeGreaterThan(keys.length * 0.85);
  });

  it('refuses a window that is not a positive integer', () => {
    expect(() => createSightings(0)).toThrow(TypeError);
    expect(() => createSightings(1.5)).toThrow(TypeError);
  });
});
