/** 2026-11-21 02:15 UTC */
export function formatTime(iso: string): string {
  return iso.replace('T', ' ').replace(/:\d\d(\.\d+)?Z$/, ' UTC');
}

/** "2026-11-18 02:15 UTC, 3 days" for a drift first seen then and still there at `now`. */
export function describeSince(firstSeen: string, now: string): string {
  const days = Math.floor((Date.parse(now) - Date.parse(firstSeen)) / 86_400_000);
  const hours = Math.floor((Date.parse(now) - Date.parse(firstSeen)) / 3_600_000);
  const age =
    days >= 1
      ? `${days} day${days === 1 ? '' : 's'}`
      : hours >= 1
        ? `${hours} hour${hours === 1 ? '' : 's'}`
        : 'less than an hour';
  return `${formatTime(firstSeen)}, ${age}`;
}
