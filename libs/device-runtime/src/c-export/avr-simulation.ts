import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CExport } from './c-export';
import { cArray, hexByte } from './c-literals';
import { requireTool, run, writeFiles } from './c-toolchain';

/** The Arduino Mega's chip and clock. */
export const AVR_MCU = 'atmega2560';
export const AVR_CLOCK_HZ = 16_000_000;

export interface AvrViewResult {
  /** float32 bit patterns */
  scores: number[];
  features: Uint8Array;
  /** CPU cycles of one `run` call, from Timer1 at the CPU clock (overflows counted). */
  cycles: number;
  exactWindows: number;
}

export interface AvrSimulation {
  results: AvrViewResult[];
  /** avr-size: flash = .text + .data, static RAM = .data + .bss (the whole firmware). */
  flashBytes: number;
  staticRamBytes: number;
  /** Of the static RAM: the view buffer the harness holds (the caller's, not the export's). */
  viewBufferBytes: number;
  /** Peak stack depth during the runs (painted stack). */
  stackBytes: number;
  /** The generated code alone, from its object file: .text + .data (flash), .data + .bss (RAM). */
  exportFlashBytes: number;
  exportRamBytes: number;
  optimization: string;
}

/**
 * A bare-metal harness: views live in flash; each is copied to a RAM buffer, run under Timer1
 * (prescaler 1, overflows counted), and its results printed over UART0 as one hex line.
 */
function harness(symbol: string, views: Uint8Array[]): string {
  const S = symbol.toUpperCase();
  const all = new Uint8Array(views.reduce((n, v) => n + v.length, 0));
  views.forEach((v, i) => all.set(v, i * v.length));
  return `#include <avr/interrupt.h>
#include <avr/io.h>
#include <avr/pgmspace.h>
#include <avr/sleep.h>
#include <string.h>
#include "${symbol}.h"

#define VIEWS ${views.length}
static const uint8_t views[${all.length}] PROGMEM = {
${cArray(Array.from(all, hexByte), 24)}
};
static uint8_t view[${S}_VIEW_BYTES];
static volatile uint16_t overflows;
extern uint8_t __heap_start;

ISR(TIMER1_OVF_vect) { overflows++; }

static void put(char c) {
  while (!(UCSR0A & (1 << UDRE0))) {}
  UDR0 = c;
}
static void hex(uint32_t v, uint8_t digits) {
  while (digits-- > 0) put("0123456789abcdef"[(v >> (4 * digits)) & 15]);
}

/* fills the free RAM between the static data and the stack with a pattern */
static void paint_stack(void) {
  uint8_t *p = &__heap_start;
  uint8_t *sp = (uint8_t *)SP;
  while (p < sp - 32) *p++ = 0xa5;
}
static uint16_t stack_used(void) {
  const uint8_t *p = &__heap_start;
  while (p <= (const uint8_t *)RAMEND && *p == 0xa5) p++;
  return (uint16_t)(RAMEND + 1 - (uint16_t)p);
}

int main(void) {
  uint8_t i, c;
  uint16_t k;
  uint32_t scores[${S}_CLASSES];
  uint8_t features[${S}_FEATURE_BYTES];
  paint_stack();
  UCSR0B = (1 << TXEN0);
  TIMSK1 = (1 << TOIE1);
  sei();
  for (i = 0; i < VIEWS; i++) {
    uint32_t cycles;
    uint16_t tcnt;
    memcpy_P(view, views + (uint32_t)i * ${S}_VIEW_BYTES, ${S}_VIEW_BYTES);
    overflows = 0;
    TCCR1A = 0;
    TCNT1 = 0;
    TIFR1 = (1 << TOV1);
    TCCR1B = (1 << CS10);
    ${symbol}_run(view, scores, features);
    cli();
    tcnt = TCNT1;
    cycles = ((uint32_t)overflows << 16) + tcnt;
    /* an overflow after the last interrupt, not yet counted */
    if ((TIFR1 & (1 << TOV1)) && tcnt < 0x8000) cycles += 65536UL;
    TCCR1B = 0;
    sei();
    put('R');
    put(' ');
    hex(cycles, 8);
    put(' ');
    hex(${symbol}_exact_windows, 4);
    put(' ');
    for (c = 0; c < ${S}_CLASSES; c++) hex(scores[c], 8);
    put('\\n');
    /* simavr prints UART output in lines of limited length: 24 bytes a line */
    for (k = 0; k < ${S}_FEATURE_BYTES; k++) {
      if (k % 24 == 0) put('F');
      hex(features[k], 2);
      if (k % 24 == 23 || k + 1 == ${S}_FEATURE_BYTES) put('\\n');
    }
  }
  put('S');
  put(' ');
  hex(stack_used(), 4);
  put('\\n');
  cli();
  sleep_enable();
  sleep_cpu();
  return 0;
}
`;
}

function sizeOf(file: string): Record<string, number> {
  const out = run('avr-size', ['-A', file]).stdout.toString();
  const sizes: Record<string, number> = {};
  for (const line of out.split('\n')) {
    const m = /^(\.[\w.]+)\s+(\d+)\s+\d+/.exec(line.trim());
    if (m) sizes[m[1]] = Number(m[2]);
  }
  return sizes;
}

/**
 * Compiles the exported device source with avr-gcc for the ATmega2560, runs `views` in simavr
 * and returns what each view gave, the cycles, and flash/RAM from avr-size.
 */
export function simulateOnAvr(
  exported: CExport,
  views: Uint8Array[],
  dir: string,
  optimization = '-O2',
): AvrSimulation {
  for (const tool of ['avr-gcc', 'avr-size', 'simavr']) requireTool(tool);
  const sym = exported.symbol;
  writeFiles(dir, exported.files);
  const main = join(dir, `${sym}_avr_main.c`);
  writeFileSync(main, harness(sym, views));
  const flags = [`-mmcu=${AVR_MCU}`, `-DF_CPU=${AVR_CLOCK_HZ}UL`, optimization, '-std=c99'];
  const strict = ['-pedantic', '-Wall', '-Wextra', '-Werror'];
  const object = join(dir, `${sym}.avr.o`);
  run('avr-gcc', [...flags, ...strict, '-c', '-o', object, join(dir, `${sym}.c`)]);
  const elf = join(dir, `${sym}.elf`);
  run('avr-gcc', [...flags, '-o', elf, object, main]);
  const fw = sizeOf(elf);
  const obj = sizeOf(object);
  const sim = run('simavr', ['-m', AVR_MCU, '-f', String(AVR_CLOCK_HZ), elf], undefined, 120_000);
  // simavr prints the UART lines (with terminal colours) on stdout or stderr
  // eslint-disable-next-line no-control-regex
  const text = (sim.stdout.toString() + sim.stderr).replace(/\x1b\[[0-9;]*m/g, '');
  const results: AvrViewResult[] = [];
  const lines = text.split('\n').map((l) => l.trim());
  for (let i = 0; i < lines.length; i++) {
    const m = /^R ([0-9a-f]{8}) ([0-9a-f]{4}) ([0-9a-f]+)\.?$/.exec(lines[i]);
    if (!m) continue;
    const scoreHex = m[3];
    let featureHex = '';
    for (let j = i + 1; j < lines.length && /^F[0-9a-f]+\.?$/.test(lines[j]); j++) {
      featureHex += lines[j].replace(/^F/, '').replace(/\.$/, '');
    }
    results.push({
      cycles: parseInt(m[1], 16),
      exactWindows: parseInt(m[2], 16),
      scores: Array.from({ length: scoreHex.length / 8 }, (_, i) =>
        parseInt(scoreHex.slice(8 * i, 8 * i + 8), 16),
      ),
      features: Uint8Array.from(Buffer.from(featureHex, 'hex')),
    });
  }
  const stack = /S ([0-9a-f]{4})/.exec(text);
  if (results.length !== views.length || !stack) {
    throw new Error(`simavr printed ${results.length} of ${views.length} results:\n${text}`);
  }
  const viewBytes = views[0].length;
  return {
    results,
    flashBytes: (fw['.text'] ?? 0) + (fw['.data'] ?? 0),
    staticRamBytes: (fw['.data'] ?? 0) + (fw['.bss'] ?? 0),
    viewBufferBytes: viewBytes,
    stackBytes: parseInt(stack[1], 16),
    exportFlashBytes: (obj['.text'] ?? 0) + (obj['.data'] ?? 0) + (obj['.progmem.data'] ?? 0),
    exportRamBytes: (obj['.data'] ?? 0) + (obj['.bss'] ?? 0),
    optimization,
  };
}
