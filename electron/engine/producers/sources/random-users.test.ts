import { describe, expect, it } from 'vitest';
import { RandomUserGenerator } from './random-users.js';

describe('random user generator', () => {
  it('produces the randomuser.me shape with every field of the users table', () => {
    const response = new RandomUserGenerator(3, () => Date.UTC(2026, 10, 1)).response();
    expect(response.info).toMatchObject({ results: 1, page: 1 });
    const [user] = response.results;
    expect(user).toBeDefined();
    const u = user;
    expect(['male', 'female']).toContain(u.gender);
    for (const value of [
      u.name.title,
      u.name.first,
      u.name.last,
      u.location.street.name,
      u.location.city,
      u.location.state,
      u.location.country,
      u.location.postcode,
      u.phone,
      u.cell,
    ]) {
      expect(typeof value).toBe('string');
      expect(value.length).toBeGreaterThan(0);
    }
    expect(Number.isInteger(u.location.street.number)).toBe(true);
    expect(u.email).toMatch(/^[^@\s]+@[^@\s]+\.[a-z]+$/);
    expect(u.login.uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(Date.parse(u.dob.date)).not.toBeNaN();
    expect(u.dob.age).toBeGreaterThanOrEqual(18);
    expect(u.picture.large).toMatch(/^https:\/\/randomuser\.me\/api\/portraits\/(men|women)\/\d+\.jpg$/);
  });

  it('is reproducible for a seed and different across seeds', () => {
    const now = () => Date.UTC(2026, 10, 1);
    expect(new RandomUserGenerator(9, now).user()).toEqual(new RandomUserGenerator(9, now).user());
    expect(new RandomUserGenerator(9, now).user().login.uuid).not.toBe(new RandomUserGenerator(10, now).user().login.uuid);
  });
});
