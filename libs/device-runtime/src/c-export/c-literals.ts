/** Formatting helpers for generated C99 source. */

/** A C array initializer body, `perLine` values a line, indented. */
export function cArray(values: ArrayLike<number | bigint | string>, perLine = 12): string {
  const items = Array.from(values as ArrayLike<unknown>, (v) => String(v));
  const lines: string[] = [];
  for (let i = 0; i < items.length; i += perLine) {
    lines.push('  ' + items.slice(i, i + perLine).join(', ') + ',');
  }
  return lines.join('\n');
}

/** A byte as a C hex literal. */
export const hexByte = (v: number): string => '0x' + (v & 0xff).toString(16).padStart(2, '0');

/** A uint32 as a C hex literal with its suffix. */
export const hexU32 = (v: number): string => '0x' + (v >>> 0).toString(16).padStart(8, '0') + 'UL';

/** An int64 as a portable C99 literal. */
export const int64Literal = (v: bigint): string => `INT64_C(${v.toString()})`;

/** A C string literal: printable ASCII kept (quotes and backslashes escaped), anything else `?`. */
export function cString(value: string): string {
  return (
    '"' +
    Array.from(value, (ch) => {
      const code = ch.charCodeAt(0);
      if (ch === '"' || ch === '\\') return '\\' + ch;
      // '?' is escaped so that no trigraph (e.g. ??/) forms; other characters become \?
      if (ch === '?' || code < 0x20 || code > 0x7e) return '\\?';
      return ch;
    }).join('') +
    '"'
  );
}

/** The bit pattern of a float32 value. */
export function float32Bits(value: number): number {
  const view = new DataView(new ArrayBuffer(4));
  view.setFloat32(0, value);
  return view.getUint32(0);
}

/** Lines of a comment block, each prefixed for a C block comment. */
export function cComment(lines: string[]): string {
  // printable ASCII only, and nothing that ends the comment
  const clean = (l: string) => l.replace(/[^\x20-\x7e]/g, '?').replace(/\*\//g, '* /');
  return ['/*', ...lines.map((l) => (l ? ` * ${clean(l)}` : ' *')), ' */'].join('\n');
}

/** The portable ROM macros: PROGMEM tables on AVR, plain const tables elsewhere. */
export const ROM_MACROS = `#if defined(__AVR__)
#include <avr/pgmspace.h>
#define DDNN_ROM PROGMEM
#define DDNN_ROM_U8(p) pgm_read_byte(p)
#define DDNN_ROM_U16(p) pgm_read_word(p)
#define DDNN_ROM_U32(p) pgm_read_dword(p)
#define DDNN_ROM_COPY(dst, src, n) memcpy_P((dst), (src), (n))
#else
#define DDNN_ROM
#define DDNN_ROM_U8(p) (*(p))
#define DDNN_ROM_U16(p) (*(p))
#define DDNN_ROM_U32(p) (*(p))
#define DDNN_ROM_COPY(dst, src, n) memcpy((dst), (src), (n))
#endif`;
