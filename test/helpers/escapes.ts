/**
 * Real escape payloads seen in logs, titles and raw lines, and what must remain of them:
 * [name, payload, what remains in text, what remains in a cell (when different)].
 */
export const ESCAPE_PAYLOADS: [name: string, payload: string, visible: string, inCell?: string][] = [
  ['clear screen + cursor home (CSI)', 'a\x1b[2J\x1b[Hb', 'ab'],
  ['window title (OSC 0, BEL)', 'a\x1b]0;pwned\x07b', 'ab'],
  ['clipboard write (OSC 52, ST)', 'a\x1b]52;c;cm0gLXJmIH4=\x1b\\b', 'ab'],
  ['hyperlink (OSC 8)', '\x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\', 'click'],
  ['8-bit CSI (C1 0x9B)', 'a\x9b31mb', 'ab'],
  ['8-bit OSC (C1 0x9D) ended by 8-bit ST', 'a\x9d0;t\x9cb', 'ab'],
  ['full reset (ESC c)', 'a\x1bcb', 'ab'],
  ['device control string (DCS)', 'a\x1bP+q544e\x1b\\b', 'ab'],
  ['unterminated OSC keeps its text inert', 'a\x1b]0;title', 'a0;title'],
  ['carriage return overwriting the line', 'evil\rgood', 'evilgood', 'evil good'],
  ['backspace and bell', 'a\b\x07b', 'ab'],
  ['right-to-left override (Trojan Source)', 'a\u202eb\u202c', 'ab'],
  ['bidi isolates and marks', '\u2066a\u2069\u200e\u200f\u061cb', 'ab'],
];

/** What a terminal acts on: C0 controls but TAB and LF, DEL, C1, bidi controls and marks, LS/PS. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
export const UNSAFE = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
