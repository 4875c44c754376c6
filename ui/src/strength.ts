// A passphrase strength estimate for the meter: length counts most, then variety; common
// patterns (one repeated character, a run like 123456 or abcdef) count against it.
export function strength(p: string, min: number): 0 | 1 | 2 | 3 | 4 {
  const chars = [...p];
  if (chars.length < min) return 0;
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((r) => r.test(p)).length;
  const unique = new Set(chars).size;
  let score = chars.length >= 20 ? 3 : chars.length >= 14 ? 2 : 1;
  if (classes >= 3 || /\s/.test(p)) score += 1;
  if (unique <= 3 || /(0123|1234|2345|3456|abcd|bcde|qwer|asdf|password|密码)/i.test(p)) score = 1;
  return Math.min(4, Math.max(1, score)) as 1 | 2 | 3 | 4;
}
